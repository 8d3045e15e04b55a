/**
 * The per-user .msi as msitools reads it back (msiinfo, msiextract): files, components, folders,
 * registry rows and the manifests inside. Stand-in executables keep the build to well under a second;
 * msi-wine.test.ts installs and uninstalls one under wine when wine is present.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHostManifest } from '../../native-host/src/install/host-manifest.js';
import { BROWSERS } from '../../native-host/src/platform/index.js';
import { findTarget } from '../targets.js';
import {
  buildMsi,
  canBuildMsi,
  MSI_UPGRADE_CODE,
  msiFileName,
  msiRegistrations,
  msiVersion,
  renderWxs,
  uuidV5,
} from '../windows/build-msi.js';

const hasTools = spawnSync('wixl', ['--version']).status === 0 && spawnSync('msiinfo', ['--version']).status === 0;
const win = findTarget('win-x64');

describe('the .msi recipe', () => {
  it("registers every browser the host knows on Windows, under the host's own HKCU keys", () => {
    const registrations = msiRegistrations();
    expect(registrations.map((r) => r.browser).sort()).toEqual([...BROWSERS].sort());
    expect(registrations.find((r) => r.browser === 'chrome')?.key).toBe(
      'Software\\Google\\Chrome\\NativeMessagingHosts\\dev.porthole.host',
    );
    expect(registrations.find((r) => r.browser === 'firefox')).toEqual({
      browser: 'firefox',
      family: 'firefox',
      key: 'Software\\Mozilla\\NativeMessagingHosts\\dev.porthole.host',
    });
  });

  it('derives its GUIDs: one product code per version, the same on every build', () => {
    // RFC 4122 appendix B's example: the DNS namespace and www.example.com.
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe('2ED6657D-E927-568B-95E1-2665A8AEA6A2');
    const productCode = (version: string): string | undefined =>
      /<Product Id="([^"]+)"/.exec(renderWxs({ target: win, version, withCloudflared: false }))?.[1];
    expect(productCode('0.1.0')).toBe(productCode('0.1.0'));
    expect(productCode('0.1.0')).not.toBe(productCode('0.1.1'));
    expect(renderWxs({ target: win, version: '0.1.0', withCloudflared: false })).toContain(`UpgradeCode="${MSI_UPGRADE_CODE}"`);
  });

  it('turns package versions into MSI product versions, and is built for win-x64 only', () => {
    expect(msiVersion('0.1.0')).toBe('0.1.0');
    expect(msiVersion('1.2.3-beta.4')).toBe('1.2.3');
    expect(() => msiVersion('256.0.0')).toThrow(/ProductVersion/);
    expect(msiFileName('0.1.0', win)).toBe('porthole-0.1.0-win-x64.msi');
    expect(canBuildMsi(win)).toBe(true);
    expect(canBuildMsi(findTarget('win-arm64'))).toBe(false);
  });
});

describe.skipIf(!hasTools)('the .msi wixl builds', () => {
  let dir: string;
  let msi: string;
  let withoutCloudflared: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'porthole-msi-test-'));
    writeFileSync(join(dir, 'porthole-host.exe'), 'MZ stand-in host');
    writeFileSync(join(dir, 'cloudflared.exe'), 'MZ stand-in cloudflared');
    msi = await buildMsi({
      target: win,
      version: '0.1.0',
      hostExecutable: join(dir, 'porthole-host.exe'),
      cloudflared: join(dir, 'cloudflared.exe'),
      outDir: join(dir, 'with'),
    });
    withoutCloudflared = await buildMsi({
      target: win,
      version: '0.1.0',
      hostExecutable: join(dir, 'porthole-host.exe'),
      outDir: join(dir, 'without'),
    });
  }, 30_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** One table as rows of named columns (msiinfo export: header, types, key line, rows). */
  function table(file: string, name: string): Record<string, string>[] {
    const [header, , , ...rows] = execFileSync('msiinfo', ['export', file, name], { encoding: 'utf8' })
      .replace(/\r\n/g, '\n')
      .trimEnd()
      .split('\n');
    const columns = header!.split('\t');
    return rows.map((row) => Object.fromEntries(row.split('\t').map((value, index) => [columns[index]!, value])));
  }

  it('is named porthole-<version>-win-x64.msi and is a per-user package that needs no elevation', () => {
    expect(msi).toMatch(/\/porthole-0\.1\.0-win-x64\.msi$/);
    const summary = execFileSync('msiinfo', ['suminfo', msi], { encoding: 'utf8' });
    expect(summary).toMatch(/^Template: x64;1033$/m);
    // Word count 10 = compressed (2) + elevation not required (8).
    expect(summary).toMatch(/^Source: 10 /m);
    const properties = Object.fromEntries(table(msi, 'Property').map((row) => [row.Property, row.Value]));
    expect(properties.ALLUSERS).toBeUndefined();
    expect(properties).toMatchObject({
      ProductName: 'Porthole',
      ProductVersion: '0.1.0',
      UpgradeCode: `{${MSI_UPGRADE_CODE}}`,
      ARPNOMODIFY: '1',
    });
    expect(table(msi, 'Upgrade').map((row) => row.UpgradeCode)).toEqual([`{${MSI_UPGRADE_CODE}}`, `{${MSI_UPGRADE_CODE}}`]);
  });

  it('installs into LocalAppData\\Programs\\Porthole', () => {
    expect(table(msi, 'Directory')).toEqual(
      expect.arrayContaining([
        { Directory: 'LocalAppDataFolder', Directory_Parent: 'TARGETDIR', DefaultDir: '.' },
        { Directory: 'UserProgramsDir', Directory_Parent: 'LocalAppDataFolder', DefaultDir: 'Programs' },
        { Directory: 'INSTALLDIR', Directory_Parent: 'UserProgramsDir', DefaultDir: 'Porthole' },
      ]),
    );
    // Both folders go when empty on uninstall (RemoveFile rows without a file name, mode 2 = uninstall).
    expect(table(msi, 'RemoveFile').map(({ Component_, DirProperty, InstallMode }) => ({ Component_, DirProperty, InstallMode }))).toEqual(
      expect.arrayContaining([
        { Component_: 'UserProgramsDir', DirProperty: 'UserProgramsDir', InstallMode: '2' },
        { Component_: 'Host', DirProperty: 'INSTALLDIR', InstallMode: '2' },
      ]),
    );
  });

  it('holds the host, cloudflared and both manifests, in 64-bit components keyed by HKCU values', () => {
    expect(table(msi, 'File').map(({ File, Component_, FileName }) => ({ File, Component_, FileName }))).toEqual([
      { File: 'HostExe', Component_: 'Host', FileName: 'porthole-host.exe' },
      { File: 'ChromiumManifest', Component_: 'Host', FileName: 'dev.porthole.host.chromium.json' },
      { File: 'FirefoxManifest', Component_: 'Host', FileName: 'dev.porthole.host.firefox.json' },
      { File: 'CloudflaredExe', Component_: 'Cloudflared', FileName: 'cloudflared.exe' },
    ]);
    expect(table(msi, 'File').find((row) => row.File === 'HostExe')?.FileSize).toBe(String('MZ stand-in host'.length));
    const components = table(msi, 'Component');
    expect(components.map((row) => [row.Component, row.Directory_, row.Attributes])).toEqual([
      ['UserProgramsDir', 'UserProgramsDir', '260'],
      ['Host', 'INSTALLDIR', '260'],
      ['Cloudflared', 'INSTALLDIR', '260'],
    ]);
    const registry = table(msi, 'Registry');
    for (const component of components) {
      const keyPath = registry.find((row) => row.Registry === component.KeyPath);
      expect(keyPath, component.Component).toMatchObject({ Root: '1', Key: 'Software\\Porthole', Component_: component.Component });
    }
    expect(table(withoutCloudflared, 'File').map((row) => row.FileName)).not.toContain('cloudflared.exe');
    expect(table(withoutCloudflared, 'Component').map((row) => row.Component)).toEqual(['UserProgramsDir', 'Host']);
  });

  it("points each browser's HKCU key at its manifest, and deletes the key on uninstall", () => {
    const registry = table(msi, 'Registry');
    for (const { browser, family, key } of msiRegistrations()) {
      const rows = registry.filter((row) => row.Key === key);
      expect(
        rows.map(({ Root, Name, Value, Component_ }) => ({ Root, Name, Value, Component_ })),
        browser,
      ).toEqual([
        { Root: '1', Name: '', Value: `[INSTALLDIR]dev.porthole.host.${family}.json`, Component_: 'Host' },
        { Root: '1', Name: '-', Value: '', Component_: 'Host' },
      ]);
    }
    // Nothing outside HKCU.
    expect(new Set(registry.map((row) => row.Root))).toEqual(new Set(['1']));
  });

  it('carries the manifests buildHostManifest makes, naming porthole-host.exe beside them', () => {
    const out = join(dir, 'extracted');
    execFileSync('msiextract', ['-C', out, msi], { encoding: 'utf8' });
    // msiextract drops the "." folder LocalAppDataFolder stands for.
    const installed = join(out, 'Programs', 'Porthole');
    const read = (name: string): unknown => JSON.parse(readFileSync(join(installed, name), 'utf8'));
    expect(read('dev.porthole.host.chromium.json')).toEqual(buildHostManifest('chromium', 'porthole-host.exe'));
    expect(read('dev.porthole.host.firefox.json')).toEqual(buildHostManifest('firefox', 'porthole-host.exe'));
    expect(readFileSync(join(installed, 'porthole-host.exe'), 'utf8')).toBe('MZ stand-in host');
    expect(readFileSync(join(installed, 'cloudflared.exe'), 'utf8')).toBe('MZ stand-in cloudflared');
  });
});
