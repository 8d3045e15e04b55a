/**
 * The .deb as dpkg-deb reads it back: control fields, every path with its mode, owner and link
 * target, and the manifests' contents. Stand-in executables keep it fast (a shell script is as good
 * as the 120 MB host for what goes where); deb-install.test.ts installs the real package with dpkg.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHostManifest } from '../../native-host/src/install/host-manifest.js';
import { buildDeb, DEB_DEPENDS, DEB_HOST_PATH, debArchitecture, debFileName, debVersion } from '../deb/build-deb.js';
import { findTarget } from '../targets.js';

const hasDpkgDeb = spawnSync('dpkg-deb', ['--version']).status === 0;

describe('debVersion and debArchitecture', () => {
  it('keeps a plain version and turns a prerelease into one that sorts before the release', () => {
    expect(debVersion('0.1.0')).toBe('0.1.0');
    expect(debVersion('1.2.0-beta.1')).toBe('1.2.0~beta.1');
    expect(() => debVersion('not a version')).toThrow(/Debian package version/);
  });

  it('names amd64 and arm64, and refuses a target that is not Linux', () => {
    expect(debArchitecture(findTarget('linux-x64'))).toBe('amd64');
    expect(debArchitecture(findTarget('linux-arm64'))).toBe('arm64');
    expect(() => debArchitecture(findTarget('darwin-arm64'))).toThrow(/not one/);
    expect(debFileName('0.1.0', findTarget('linux-arm64'))).toBe('porthole_0.1.0_arm64.deb');
  });
});

describe.skipIf(!hasDpkgDeb)('the .deb dpkg-deb builds', () => {
  let dir: string;
  let withCloudflared: string;
  let without: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'porthole-deb-test-'));
    writeFileSync(join(dir, 'porthole-host'), '#!/bin/sh\necho 0.1.0\n');
    writeFileSync(join(dir, 'cloudflared'), '#!/bin/sh\necho cloudflared version 2025.1.0\n');
    withCloudflared = await buildDeb({
      target: findTarget('linux-x64'),
      version: '0.1.0',
      hostExecutable: join(dir, 'porthole-host'),
      cloudflared: join(dir, 'cloudflared'),
      outDir: join(dir, 'with'),
      compressionLevel: 0,
    });
    without = await buildDeb({
      target: findTarget('linux-arm64'),
      version: '0.2.0-rc.1',
      hostExecutable: join(dir, 'porthole-host'),
      outDir: join(dir, 'without'),
      compressionLevel: 0,
    });
  }, 30_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const field = (deb: string, name: string): string => execFileSync('dpkg-deb', ['-f', deb, name], { encoding: 'utf8' }).trim();

  /** `dpkg-deb -c` as { path: "mode owner [-> target]" }. */
  function listing(deb: string): Record<string, string> {
    const entries: Record<string, string> = {};
    for (const line of execFileSync('dpkg-deb', ['-c', deb], { encoding: 'utf8' }).trim().split('\n')) {
      const match = /^(\S+)\s+(\S+)\s+\d+\s+\S+\s+\S+\s+\.(\/\S*?)\/?(?: -> (\S+))?$/.exec(line);
      if (match === null) throw new Error(`unexpected dpkg-deb -c line: ${line}`);
      const [, mode, owner, path, link] = match;
      entries[path === '/' ? '/' : path!] = `${mode} ${owner}${link === undefined ? '' : ` -> ${link}`}`;
    }
    return entries;
  }

  it('is named porthole_<version>_<arch>.deb', () => {
    expect(withCloudflared).toMatch(/\/porthole_0\.1\.0_amd64\.deb$/);
    expect(without).toMatch(/\/porthole_0\.2\.0~rc\.1_arm64\.deb$/);
  });

  it('has a control file with the package, version, architecture, maintainer and only the C/C++ runtime as dependencies', () => {
    expect(field(withCloudflared, 'Package')).toBe('porthole');
    expect(field(withCloudflared, 'Version')).toBe('0.1.0');
    expect(field(withCloudflared, 'Architecture')).toBe('amd64');
    expect(field(without, 'Architecture')).toBe('arm64');
    expect(field(withCloudflared, 'Maintainer')).toMatch(/^Porthole <.+@.+>$/);
    expect(field(withCloudflared, 'Depends')).toBe(DEB_DEPENDS);
    expect(field(withCloudflared, 'Installed-Size')).toMatch(/^\d+$/);
    expect(field(withCloudflared, 'Description')).toMatch(/^share a localhost page/);
    expect(field(withCloudflared, 'Description')).toMatch(/cloudflared comes bundled/);
    expect(field(without, 'Description')).toMatch(/needs cloudflared on PATH/);
  });

  it("holds the executables, the CLI link and the manifests in each browser family's system folder, all root-owned", () => {
    const chromiumManifest = '/usr/share/porthole/native-messaging-hosts/dev.porthole.host.json';
    expect(listing(withCloudflared)).toEqual({
      '/': 'drwxr-xr-x root/root',
      '/etc': 'drwxr-xr-x root/root',
      '/etc/chromium': 'drwxr-xr-x root/root',
      '/etc/chromium/native-messaging-hosts': 'drwxr-xr-x root/root',
      '/etc/chromium/native-messaging-hosts/dev.porthole.host.json': `lrwxrwxrwx root/root -> ${chromiumManifest}`,
      '/etc/opt': 'drwxr-xr-x root/root',
      '/etc/opt/chrome': 'drwxr-xr-x root/root',
      '/etc/opt/chrome/native-messaging-hosts': 'drwxr-xr-x root/root',
      '/etc/opt/chrome/native-messaging-hosts/dev.porthole.host.json': `lrwxrwxrwx root/root -> ${chromiumManifest}`,
      '/etc/opt/edge': 'drwxr-xr-x root/root',
      '/etc/opt/edge/native-messaging-hosts': 'drwxr-xr-x root/root',
      '/etc/opt/edge/native-messaging-hosts/dev.porthole.host.json': `lrwxrwxrwx root/root -> ${chromiumManifest}`,
      '/usr': 'drwxr-xr-x root/root',
      '/usr/bin': 'drwxr-xr-x root/root',
      '/usr/bin/porthole-host': 'lrwxrwxrwx root/root -> ../lib/porthole/porthole-host',
      '/usr/lib': 'drwxr-xr-x root/root',
      '/usr/lib/mozilla': 'drwxr-xr-x root/root',
      '/usr/lib/mozilla/native-messaging-hosts': 'drwxr-xr-x root/root',
      '/usr/lib/mozilla/native-messaging-hosts/dev.porthole.host.json': '-rw-r--r-- root/root',
      '/usr/lib/porthole': 'drwxr-xr-x root/root',
      '/usr/lib/porthole/cloudflared': '-rwxr-xr-x root/root',
      '/usr/lib/porthole/porthole-host': '-rwxr-xr-x root/root',
      '/usr/share': 'drwxr-xr-x root/root',
      '/usr/share/doc': 'drwxr-xr-x root/root',
      '/usr/share/doc/porthole': 'drwxr-xr-x root/root',
      '/usr/share/doc/porthole/changelog.gz': '-rw-r--r-- root/root',
      '/usr/share/doc/porthole/copyright': '-rw-r--r-- root/root',
      '/usr/share/porthole': 'drwxr-xr-x root/root',
      '/usr/share/porthole/native-messaging-hosts': 'drwxr-xr-x root/root',
      [chromiumManifest]: '-rw-r--r-- root/root',
    });
    expect(Object.keys(listing(without)).filter((path) => path.includes('cloudflared'))).toEqual([]);
  });

  it('writes the manifests buildHostManifest makes for /usr/lib/porthole/porthole-host, and md5sums for every file', () => {
    const root = join(dir, 'extracted');
    execFileSync('dpkg-deb', ['-x', withCloudflared, root]);
    const read = (path: string): unknown => JSON.parse(readFileSync(join(root, path), 'utf8'));
    expect(read('usr/share/porthole/native-messaging-hosts/dev.porthole.host.json')).toEqual(buildHostManifest('chromium', DEB_HOST_PATH));
    expect(read('usr/lib/mozilla/native-messaging-hosts/dev.porthole.host.json')).toEqual(buildHostManifest('firefox', DEB_HOST_PATH));
    expect(readFileSync(join(root, 'usr/lib/porthole/porthole-host'), 'utf8')).toBe('#!/bin/sh\necho 0.1.0\n');
    expect(readFileSync(join(root, 'usr/share/doc/porthole/copyright'), 'utf8')).toMatch(
      /Files: usr\/lib\/porthole\/cloudflared\nCopyright: Cloudflare/,
    );
    expect(gunzipSync(readFileSync(join(root, 'usr/share/doc/porthole/changelog.gz'))).toString()).toMatch(
      /^porthole \(0\.1\.0\) unstable; urgency=medium\n[^]* -- Porthole <.+>  \w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000\n$/,
    );

    const control = join(dir, 'control');
    execFileSync('dpkg-deb', ['-e', withCloudflared, control]);
    expect(
      readFileSync(join(control, 'md5sums'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => line.split('  ')[1])
        .sort(),
    ).toEqual([
      'usr/lib/mozilla/native-messaging-hosts/dev.porthole.host.json',
      'usr/lib/porthole/cloudflared',
      'usr/lib/porthole/porthole-host',
      'usr/share/doc/porthole/changelog.gz',
      'usr/share/doc/porthole/copyright',
      'usr/share/porthole/native-messaging-hosts/dev.porthole.host.json',
    ]);
    // No maintainer scripts, no conffiles: dpkg alone installs and removes everything.
    expect(execFileSync('ls', [control], { encoding: 'utf8' }).trim().split('\n')).toEqual(['control', 'md5sums']);
  });
});
