import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { darwin } from '../../platform/darwin.js';
import type { Platform, Registry } from '../../platform/index.js';
import { linux } from '../../platform/linux.js';
import { win32 } from '../../platform/win32.js';
import { CHROMIUM_EXTENSION_ORIGIN, FIREFOX_EXTENSION_ID } from '../../protocol/extension-ids.js';
import { browserPresence, programCandidates } from '../browser-presence.js';
import { checkAllBrowsers, formatDoctorReport } from '../doctor.js';
import { buildHostManifest } from '../host-manifest.js';
import { install, installedRegistrations, parseBrowserList, uninstall } from '../registration.js';
import { systemManifestPaths } from '../system-manifests.js';

const table = (platform: Platform, env: NodeJS.ProcessEnv, home: string) =>
  Object.fromEntries(platform.browserLocations({ env, home }).map((l) => [l.browser, l.registryKey ?? l.manifestDir]));

describe('where each browser reads host manifests, per OS', () => {
  it('Linux', () => {
    expect(table(linux, {}, '/home/u')).toEqual({
      chrome: '/home/u/.config/google-chrome/NativeMessagingHosts',
      chromium: '/home/u/.config/chromium/NativeMessagingHosts',
      edge: '/home/u/.config/microsoft-edge/NativeMessagingHosts',
      brave: '/home/u/.config/BraveSoftware/Brave-Browser/NativeMessagingHosts',
      vivaldi: '/home/u/.config/vivaldi/NativeMessagingHosts',
      opera: '/home/u/.config/opera/NativeMessagingHosts',
      firefox: '/home/u/.mozilla/native-messaging-hosts',
    });
    expect(table(linux, { XDG_CONFIG_HOME: '/xdg' }, '/home/u').chrome).toBe('/xdg/google-chrome/NativeMessagingHosts');
  });

  it('macOS', () => {
    expect(table(darwin, {}, '/Users/u')).toEqual({
      chrome: '/Users/u/Library/Application Support/Google/Chrome/NativeMessagingHosts',
      chromium: '/Users/u/Library/Application Support/Chromium/NativeMessagingHosts',
      edge: '/Users/u/Library/Application Support/Microsoft Edge/NativeMessagingHosts',
      brave: '/Users/u/Library/Application Support/BraveSoftware/Brave-Browser/NativeMessagingHosts',
      vivaldi: '/Users/u/Library/Application Support/Vivaldi/NativeMessagingHosts',
      opera: '/Users/u/Library/Application Support/com.operasoftware.Opera/NativeMessagingHosts',
      firefox: '/Users/u/Library/Application Support/Mozilla/NativeMessagingHosts',
    });
  });

  it('Windows: HKCU keys, one per browser', () => {
    expect(table(win32, { LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'C:\\Users\\u')).toEqual({
      chrome: 'HKCU\\Software\\Google\\Chrome\\NativeMessagingHosts\\dev.porthole.host',
      chromium: 'HKCU\\Software\\Chromium\\NativeMessagingHosts\\dev.porthole.host',
      edge: 'HKCU\\Software\\Microsoft\\Edge\\NativeMessagingHosts\\dev.porthole.host',
      brave: 'HKCU\\Software\\BraveSoftware\\Brave-Browser\\NativeMessagingHosts\\dev.porthole.host',
      vivaldi: 'HKCU\\Software\\Vivaldi\\NativeMessagingHosts\\dev.porthole.host',
      opera: 'HKCU\\Software\\Opera Software\\NativeMessagingHosts\\dev.porthole.host',
      firefox: 'HKCU\\Software\\Mozilla\\NativeMessagingHosts\\dev.porthole.host',
    });
  });
});

/** This machine's own /etc and /usr/lib stay out of the tests' verdicts. */
const noSystem = { systemManifests: () => [] };

function fixtureHome() {
  const home = mkdtempSync(join(tmpdir(), 'porthole-home-'));
  const stateDir = join(home, 'state');
  const hostPath = join(home, 'bin', 'porthole-host');
  mkdirSync(join(home, 'bin'));
  writeFileSync(hostPath, '#!/bin/sh\n');
  chmodSync(hostPath, 0o755);
  return { home, stateDir, hostPath, where: { env: {}, home } };
}

describe('install and uninstall (Linux layout, real files)', () => {
  it('registers every browser the user has run, with the right ids, and uninstall removes exactly that', () => {
    const { home, stateDir, hostPath, where } = fixtureHome();
    mkdirSync(join(home, '.config', 'chromium'), { recursive: true });
    writeFileSync(join(home, '.config', 'chromium', 'Local State'), '{}');
    mkdirSync(join(home, '.mozilla'), { recursive: true });
    const unrelated = join(home, '.config', 'chromium', 'NativeMessagingHosts', 'other.host.json');
    mkdirSync(join(home, '.config', 'chromium', 'NativeMessagingHosts'));
    writeFileSync(unrelated, '{}');

    const registrations = install({ platform: linux, where, hostPath, stateDir, browsers: 'all' });
    expect(registrations.map((r) => r.browser)).toEqual(['chromium', 'firefox']);
    const chromium = JSON.parse(readFileSync(join(home, '.config/chromium/NativeMessagingHosts/dev.porthole.host.json'), 'utf8'));
    expect(chromium).toEqual({
      name: 'dev.porthole.host',
      description: expect.any(String),
      path: hostPath,
      type: 'stdio',
      allowed_origins: [CHROMIUM_EXTENSION_ORIGIN],
    });
    const firefox = JSON.parse(readFileSync(join(home, '.mozilla/native-messaging-hosts/dev.porthole.host.json'), 'utf8'));
    expect(firefox).toMatchObject({ path: hostPath, allowed_extensions: [FIREFOX_EXTENSION_ID] });
    expect(existsSync(join(home, '.config/google-chrome'))).toBe(false);

    const removed = uninstall({ platform: linux, stateDir });
    expect(removed.registrations.map((r) => r.browser)).toEqual(['chromium', 'firefox']);
    // ~/.config/chromium/NativeMessagingHosts existed before (it holds another host): kept.
    expect(existsSync(join(home, '.config/chromium/NativeMessagingHosts'))).toBe(true);
    expect(existsSync(join(home, '.mozilla/native-messaging-hosts'))).toBe(false);
    expect(existsSync(join(home, '.config/chromium/NativeMessagingHosts/dev.porthole.host.json'))).toBe(false);
    expect(existsSync(join(home, '.mozilla/native-messaging-hosts/dev.porthole.host.json'))).toBe(false);
    expect(existsSync(unrelated)).toBe(true);
    expect(installedRegistrations(stateDir)).toEqual([]);
  });

  it('a named browser is registered even if not run yet; later installs add to the record', () => {
    const { home, stateDir, hostPath, where } = fixtureHome();
    install({ platform: linux, where, hostPath, stateDir, browsers: ['chrome'] });
    install({ platform: linux, where, hostPath, stateDir, browsers: ['brave', 'firefox'] });
    expect(installedRegistrations(stateDir).map((r) => r.browser)).toEqual(['chrome', 'brave', 'firefox']);
    expect(existsSync(join(home, '.config/BraveSoftware/Brave-Browser/NativeMessagingHosts/dev.porthole.host.json'))).toBe(true);
  });

  it('with no browser found, says how to name one', () => {
    const { stateDir, hostPath, where } = fixtureHome();
    expect(() => install({ platform: linux, where, hostPath, stateDir, browsers: 'all' })).toThrow(/--browser chrome/);
  });

  it('refuses an unknown browser name, listing the known ones', () => {
    expect(() => parseBrowserList('netscape')).toThrow(
      /Unknown browser "netscape".*chrome, chromium, edge, brave, vivaldi, opera, firefox/,
    );
    expect(parseBrowserList('Chrome, firefox')).toEqual(['chrome', 'firefox']);
  });

  it('Windows: writes the registry key pointing at the manifest, and uninstall deletes it', () => {
    const { stateDir, hostPath, home } = fixtureHome();
    const keys = new Map<string, string>();
    const registry: Registry = {
      read: (k) => keys.get(k) ?? null,
      write: (k, v) => void keys.set(k, v),
      remove: (k) => void keys.delete(k),
    };
    const platform: Platform = { ...win32, registry };
    const where = { env: { LOCALAPPDATA: join(home, 'local'), APPDATA: join(home, 'roaming') }, home };
    install({ platform, where, hostPath, stateDir, browsers: ['chrome', 'firefox'] });
    const chromeKey = 'HKCU\\Software\\Google\\Chrome\\NativeMessagingHosts\\dev.porthole.host';
    expect(keys.get(chromeKey)).toBe(join(home, 'local', 'Porthole', 'NativeMessagingHosts', 'chromium', 'dev.porthole.host.json'));
    expect(JSON.parse(readFileSync(keys.get(chromeKey)!, 'utf8'))).toMatchObject({ allowed_origins: [CHROMIUM_EXTENSION_ORIGIN] });
    expect(checkAllBrowsers(platform, where).find((c) => c.browser === 'chrome')?.status).toBe('ok');
    uninstall({ platform, stateDir });
    expect(keys.size).toBe(0);
  });

  it('Windows: doctor accepts a manifest path relative to the manifest, as the .msi writes it', () => {
    const { home, hostPath } = fixtureHome();
    const manifest = join(home, 'bin', 'dev.porthole.host.chromium.json');
    writeFileSync(manifest, JSON.stringify({ path: 'porthole-host', allowed_origins: [CHROMIUM_EXTENSION_ORIGIN] }));
    const registry: Registry = { read: () => manifest, write: () => undefined, remove: () => undefined };
    const where = { env: { LOCALAPPDATA: join(home, 'local') }, home };
    const chrome = checkAllBrowsers({ ...win32, registry }, where).find((c) => c.browser === 'chrome');
    expect(chrome).toMatchObject({ status: 'ok', summary: expect.stringContaining(`→ ${hostPath}`) });
  });
});

describe('doctor', () => {
  const hello = {
    type: 'hello' as const,
    name: 'dev.porthole.host' as const,
    version: '1.0.0',
    protocol: 1,
    platform: 'linux',
    arch: 'x64',
    cloudflared: { path: '/usr/bin/cloudflared', source: 'path' as const, version: '2025.1.0' },
    cloudflaredError: null,
  };

  it('reports registered, missing and broken registrations with the command that fixes each', () => {
    const { home, stateDir, hostPath, where } = fixtureHome();
    mkdirSync(join(home, '.config', 'google-chrome'), { recursive: true });
    mkdirSync(join(home, '.config', 'chromium', 'NativeMessagingHosts'), { recursive: true });
    install({ platform: linux, where, hostPath, stateDir, browsers: ['firefox'] });
    writeFileSync(
      join(home, '.config/chromium/NativeMessagingHosts/dev.porthole.host.json'),
      JSON.stringify({ path: '/gone/porthole-host', allowed_origins: [CHROMIUM_EXTENSION_ORIGIN] }),
    );
    const checks = checkAllBrowsers(linux, where, noSystem);
    const byBrowser = Object.fromEntries(checks.map((c) => [c.browser, c]));
    expect(byBrowser.firefox).toMatchObject({ status: 'ok', summary: expect.stringContaining(hostPath) });
    expect(byBrowser.chrome).toMatchObject({
      status: 'problem',
      summary: expect.stringMatching(/not registered; run: porthole-host install --browser chrome/),
    });
    expect(byBrowser.chromium).toMatchObject({
      status: 'problem',
      summary: expect.stringMatching(/\/gone\/porthole-host, which is missing/),
    });
    expect(byBrowser.edge?.status).toBe('absent');

    const paths = {
      hostDir: '/x',
      hostExecutable: hostPath,
      stateDir,
      logFile: join(stateDir, 'host.log'),
      runningDir: '',
      cloudflaredConfig: '',
    };
    const report = formatDoctorReport({ hello, paths, browsers: checks });
    expect(report.healthy).toBe(false);
    expect(report.text).toContain('cloudflared    ✓ 2025.1.0 at /usr/bin/cloudflared (from PATH)');
    expect(report.text).toContain(`log          ${join(stateDir, 'host.log')}`);
    expect(report.text).toMatch(/firefox\s+✓ registered/);
  });

  it('is healthy when cloudflared is found and every browser present is registered', () => {
    const { home, stateDir, hostPath, where } = fixtureHome();
    mkdirSync(join(home, '.mozilla'), { recursive: true });
    install({ platform: linux, where, hostPath, stateDir, browsers: 'all' });
    const paths = { hostDir: '/x', hostExecutable: hostPath, stateDir, logFile: '', runningDir: '', cloudflaredConfig: '' };
    expect(formatDoctorReport({ hello, paths, browsers: checkAllBrowsers(linux, where, noSystem) }).healthy).toBe(true);
    expect(
      formatDoctorReport({
        hello: { ...hello, cloudflared: null, cloudflaredError: { code: 'cloudflared-missing', message: 'cloudflared was not found.' } },
        paths,
        browsers: checkAllBrowsers(linux, where, noSystem),
      }).text,
    ).toContain('cloudflared    ✗ cloudflared was not found.');
  });
});

/** Every path under `root` with its kind, to compare a home folder before and after. */
function tree(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .map((entry) => `${entry.isDirectory() ? 'd' : 'f'} ${join(entry.parentPath, entry.name).slice(root.length)}`)
    .sort();
}

describe('uninstall removes exactly what install created, folders included (issue 12)', () => {
  it('a home where only Firefox was used is left as it was found', () => {
    const { home, hostPath, where } = fixtureHome();
    const stateDir = join(home, '.local', 'state', 'porthole');
    mkdirSync(join(home, '.mozilla', 'firefox'), { recursive: true });
    writeFileSync(join(home, '.mozilla', 'firefox', 'profiles.ini'), '[General]\n');
    const before = tree(home);

    install({ platform: linux, where, hostPath, stateDir, browsers: ['chrome', 'firefox'] });
    expect(existsSync(join(home, '.config/google-chrome/NativeMessagingHosts/dev.porthole.host.json'))).toBe(true);
    expect(statSync(stateDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(stateDir, 'installed.json')).mode & 0o777).toBe(0o600);

    const removed = uninstall({ platform: linux, stateDir });
    expect(removed.removedFolders).toEqual(
      expect.arrayContaining([
        join(home, '.config'),
        join(home, '.config/google-chrome'),
        join(home, '.mozilla/native-messaging-hosts'),
        join(home, '.local'),
        stateDir,
      ]),
    );
    expect(removed.keptFolders).toEqual([]);
    expect(tree(home)).toEqual(before);
  });

  it('a folder install created that holds someone else’s file now is kept, and said so', () => {
    const { home, hostPath, where } = fixtureHome();
    const stateDir = join(home, 'state');
    install({ platform: linux, where, hostPath, stateDir, browsers: ['chrome'] });
    writeFileSync(join(home, '.config/google-chrome/NativeMessagingHosts/other.host.json'), '{}');
    const removed = uninstall({ platform: linux, stateDir });
    expect(removed.keptFolders).toEqual([join(home, '.config/google-chrome/NativeMessagingHosts')]);
    expect(existsSync(join(home, '.config/google-chrome/NativeMessagingHosts/other.host.json'))).toBe(true);
    expect(existsSync(join(stateDir))).toBe(false);
  });

  it('a second install remembers the folders the first one created', () => {
    const { home, hostPath, where } = fixtureHome();
    const stateDir = join(home, 'state');
    install({ platform: linux, where, hostPath, stateDir, browsers: ['brave'] });
    install({ platform: linux, where, hostPath, stateDir, browsers: ['brave', 'firefox'] });
    uninstall({ platform: linux, stateDir });
    expect(existsSync(join(home, '.config'))).toBe(false);
    expect(existsSync(join(home, '.mozilla'))).toBe(false);
  });
});

describe('doctor tells a browser from a folder (issue 12)', () => {
  it('after install and uninstall, a browser that was never there is "not found", not "not registered"', () => {
    const { home, hostPath, where } = fixtureHome();
    const stateDir = join(home, 'state');
    install({ platform: linux, where, hostPath, stateDir, browsers: ['chrome'] });
    // With the manifest gone but the folders still there, the folders install made are no sign of Chrome.
    rmSync(join(home, '.config/google-chrome/NativeMessagingHosts/dev.porthole.host.json'));
    expect(checkAllBrowsers(linux, where, { stateDir, ...noSystem }).find((c) => c.browser === 'chrome')?.status).toBe('absent');
    uninstall({ platform: linux, stateDir });
    expect(checkAllBrowsers(linux, where, { stateDir, ...noSystem }).every((c) => c.status === 'absent')).toBe(true);
  });

  it('a profile folder holding only a manifest folder (another program made it) is no browser', () => {
    const { home, where } = fixtureHome();
    mkdirSync(join(home, '.config/vivaldi/NativeMessagingHosts'), { recursive: true });
    writeFileSync(join(home, '.config/vivaldi/NativeMessagingHosts/org.keepassxc.json'), '{}');
    expect(browserPresence('linux', linux.browserLocations(where).find((l) => l.browser === 'vivaldi')!, where, new Set())).toEqual({
      present: false,
    });
    expect(checkAllBrowsers(linux, where, noSystem).find((c) => c.browser === 'vivaldi')?.status).toBe('absent');
  });

  it('a browser with settings of its own, or an executable on PATH, is installed but unregistered', () => {
    const { home } = fixtureHome();
    const bin = join(home, 'usr-bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'firefox-esr'), '');
    mkdirSync(join(home, '.config/google-chrome/Default'), { recursive: true });
    const where = { env: { PATH: `/nonexistent:${bin}` }, home };
    const byBrowser = Object.fromEntries(checkAllBrowsers(linux, where, noSystem).map((c) => [c.browser, c]));
    expect(byBrowser.firefox).toMatchObject({
      status: 'problem',
      summary: `installed (found ${join(bin, 'firefox-esr')}), but Porthole is not registered; run: porthole-host install --browser firefox`,
    });
    expect(byBrowser.chrome).toMatchObject({
      status: 'problem',
      summary: expect.stringContaining(`its folder ${join(home, '.config/google-chrome')} exists`),
    });
    expect(byBrowser.chromium?.status).toBe('absent');
  });

  it('a manifest installed for every user (the .deb) counts as registered, checked like any other', () => {
    const { home, hostPath, where } = fixtureHome();
    mkdirSync(join(home, '.config/chromium/Default'), { recursive: true });
    const system = join(home, 'etc-chromium', 'dev.porthole.host.json');
    mkdirSync(dirname(system));
    writeFileSync(system, JSON.stringify(buildHostManifest('chromium', hostPath)));
    const systemManifests = (browser: string) => (browser === 'chromium' ? [join(home, 'nowhere.json'), system] : []);
    expect(checkAllBrowsers(linux, where, { systemManifests }).find((c) => c.browser === 'chromium')).toEqual({
      browser: 'chromium',
      status: 'ok',
      manifestPath: system,
      summary: `registered for every user: ${system} → ${hostPath}`,
    });
    writeFileSync(system, JSON.stringify(buildHostManifest('chromium', '/gone/porthole-host')));
    expect(checkAllBrowsers(linux, where, { systemManifests }).find((c) => c.browser === 'chromium')?.summary).toBe(
      'the manifest names /gone/porthole-host, which is missing or not executable; reinstall the porthole package, or run: porthole-host install --browser chromium',
    );
    expect(systemManifestPaths('linux', 'brave')).toEqual(['/etc/opt/chrome/native-messaging-hosts/dev.porthole.host.json']);
    expect(systemManifestPaths('linux', 'firefox')).toEqual(['/usr/lib/mozilla/native-messaging-hosts/dev.porthole.host.json']);
    expect(systemManifestPaths('darwin', 'chrome')).toEqual(['/Library/Google/Chrome/NativeMessagingHosts/dev.porthole.host.json']);
    expect(systemManifestPaths('win32', 'chrome')).toEqual([]);
  });

  it('macOS: an application in /Applications or ~/Applications counts', () => {
    expect(programCandidates('darwin', 'chrome', { env: {}, home: '/Users/u' })).toEqual([
      '/Applications/Google Chrome.app',
      '/Users/u/Applications/Google Chrome.app',
    ]);
    expect(programCandidates('win32', 'chrome', { env: { PATH: 'C:\\x' }, home: 'C:\\Users\\u' })).toEqual([]);
  });
});
