/**
 * `npm run zip`: the packages a person uploads to the Chrome Web Store and addons.mozilla.org.
 * Read back with the system's `unzip` (an independent reader), and the Firefox package rebuilt from
 * its sources archive the way an AMO reviewer does, which must give the same files.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zipEntryNames } from '../store/build-store-packages.js';
import { chromeWebStoreManifest, sourcesProblems, storeProblems } from '../store/store-manifest.js';
import { writeZip } from '../store/zip-writer.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
const work = mkdtempSync(join(tmpdir(), 'porthole-store-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const unzip = (...args: string[]) => spawnSync('unzip', args, { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });

function filesUnder(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => [
        relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'),
        readFileSync(join(entry.parentPath, entry.name)).toString('base64'),
      ]),
  );
}

describe('the zip writer', () => {
  it('writes archives unzip reads back exactly, the same bytes every time', () => {
    const entries = [
      { name: 'manifest.json', data: Buffer.from('{"a":1}\n') },
      { name: 'chunks/big.js', data: Buffer.from('x'.repeat(100_000)) },
      { name: 'icon/16.png', data: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]) },
      { name: 'empty.txt', data: Buffer.alloc(0) },
    ];
    const path = join(work, 'test.zip');
    writeFileSync(path, writeZip(entries));
    expect(unzip('-tq', path).status).toBe(0);
    for (const entry of entries) expect(unzip('-p', path, entry.name).stdout.equals(entry.data)).toBe(true);
    expect(writeZip(entries).equals(readFileSync(path))).toBe(true);
    expect(zipEntryNames(readFileSync(path))).toEqual(entries.map((e) => e.name));
    expect(readFileSync(path).length).toBeLessThan(2000);
  });

  it('refuses names that would escape the folder they are unpacked in', () => {
    for (const name of ['../evil', '/etc/passwd', 'a\\b', 'a/../../b'])
      expect(() => writeZip([{ name, data: Buffer.from('') }])).toThrow(/unsafe zip entry name/);
  });
});

describe('what each store refuses', () => {
  const chrome = { manifest_version: 3, version: '1.2.3', key: 'MIIB…', name: 'Porthole' };
  it('the Chrome Web Store: no key, MV3, the package version', () => {
    expect(storeProblems('chrome-web-store', chrome, '1.2.3')).toEqual(['the Chrome Web Store refuses a manifest with "key"']);
    expect(chromeWebStoreManifest(chrome)).toEqual({ manifest_version: 3, version: '1.2.3', name: 'Porthole' });
    expect(storeProblems('chrome-web-store', chromeWebStoreManifest(chrome), '1.2.3')).toEqual([]);
    expect(storeProblems('chrome-web-store', { manifest_version: 2, version: '1.0.0' }, '1.2.3')).toEqual([
      'manifest.json has version 1.0.0, not 1.2.3 from package.json',
      'the Chrome Web Store takes Manifest V3 only',
    ]);
  });

  it('addons.mozilla.org: an add-on id and the data collection declaration', () => {
    expect(storeProblems('amo', { version: '1.2.3' }, '1.2.3')).toEqual([
      'addons.mozilla.org needs browser_specific_settings.gecko.id',
      'addons.mozilla.org needs browser_specific_settings.gecko.data_collection_permissions for new add-ons',
    ]);
  });

  it('the sources archive: what rebuilds, nothing built or installed', () => {
    expect(sourcesProblems(['package.json', 'package-lock.json', 'wxt.config.ts', 'tsconfig.json', 'README.md', 'extension/a.ts'])).toEqual(
      [],
    );
    expect(sourcesProblems(['package.json', 'dist/host/porthole-host', 'extension/node_modules/x/index.js'])).toEqual([
      'the sources archive lacks package-lock.json',
      'the sources archive lacks wxt.config.ts',
      'the sources archive lacks tsconfig.json',
      'the sources archive lacks README.md',
      'the sources archive holds extension/node_modules/x/index.js, from node_modules/, which is built or installed, not source',
      'the sources archive holds dist/host/porthole-host, from dist/, which is built or installed, not source',
    ]);
  });
});

describe('npm run zip', () => {
  const out = join(work, 'out');
  beforeAll(() => {
    const run = spawnSync(join(repoRoot, 'node_modules', '.bin', 'tsx'), ['installers/store/build-store-packages.ts', '--out-dir', out], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 240_000,
    });
    if (run.status !== 0) throw new Error(`npm run zip failed:\n${run.stdout}\n${run.stderr}`);
  }, 300_000);

  it('makes three packages named with the version', () => {
    expect(
      readdirSync(out)
        .filter((name) => name.endsWith('.zip'))
        .sort(),
    ).toEqual([
      `porthole-${version}-chrome-web-store.zip`,
      `porthole-${version}-firefox-amo-sources.zip`,
      `porthole-${version}-firefox-amo.zip`,
    ]);
    for (const name of readdirSync(out).filter((n) => n.endsWith('.zip'))) expect(unzip('-tq', join(out, name)).status).toBe(0);
  });

  it('the Chrome Web Store package is the MV3 build without "key", manifest.json at its root', () => {
    const zip = join(out, `porthole-${version}-chrome-web-store.zip`);
    const manifest = JSON.parse(unzip('-p', zip, 'manifest.json').stdout.toString('utf8')) as Record<string, unknown>;
    const built = JSON.parse(readFileSync(join(out, 'chrome-mv3', 'manifest.json'), 'utf8')) as Record<string, unknown>;
    expect(built.key).toEqual(expect.any(String));
    expect(manifest).toEqual(chromeWebStoreManifest(built));
    expect(manifest).toMatchObject({ manifest_version: 3, version });
    expect(manifest).not.toHaveProperty('key');
    const names = zipEntryNames(readFileSync(zip));
    expect(names.filter((n) => n !== 'manifest.json').sort()).toEqual(
      Object.keys(filesUnder(join(out, 'chrome-mv3')))
        .filter((n) => n !== 'manifest.json')
        .sort(),
    );
  });

  it('holds production builds: no path of the machine that built them', () => {
    for (const name of [`porthole-${version}-chrome-web-store.zip`, `porthole-${version}-firefox-amo.zip`]) {
      const dir = join(work, `unpacked-${name}`);
      expect(unzip('-q', join(out, name), '-d', dir).status).toBe(0);
      for (const [file, content] of Object.entries(filesUnder(dir))) {
        const text = Buffer.from(content, 'base64').toString('latin1');
        expect(text.includes(repoRoot), `${name}: ${file} names ${repoRoot}`).toBe(false);
        expect(text.includes('jsxDEV'), `${name}: ${file} is a development build`).toBe(false);
      }
    }
  });

  it('the AMO package is the Firefox build with its add-on id', () => {
    const manifest = JSON.parse(
      unzip('-p', join(out, `porthole-${version}-firefox-amo.zip`), 'manifest.json').stdout.toString('utf8'),
    ) as Record<string, unknown>;
    expect(manifest).toMatchObject({ version, browser_specific_settings: { gecko: { id: 'porthole@porthole.dev' } } });
  });

  it('the sources archive rebuilds the AMO package file for file, as a reviewer would', () => {
    const sources = join(work, 'sources');
    expect(unzip('-q', join(out, `porthole-${version}-firefox-amo-sources.zip`), '-d', sources).status).toBe(0);
    const names = zipEntryNames(readFileSync(join(out, `porthole-${version}-firefox-amo-sources.zip`)));
    expect(sourcesProblems(names)).toEqual([]);
    expect(names.some((n) => n.startsWith('dist/') || n.startsWith('node_modules/') || n.startsWith('.output/'))).toBe(false);
    // The reviewer runs `npm ci`; the same installed tree stands in for it here (no network in tests).
    symlinkSync(join(repoRoot, 'node_modules'), join(sources, 'node_modules'), 'dir');
    const { NODE_ENV: _testMode, ...shell } = process.env;
    const rebuilt = spawnSync(join(sources, 'node_modules', '.bin', 'wxt'), ['build', '-b', 'firefox'], {
      cwd: sources,
      env: shell,
      encoding: 'utf8',
      timeout: 180_000,
    });
    expect(rebuilt.status, rebuilt.stderr).toBe(0);
    const packaged = join(work, 'packaged');
    expect(unzip('-q', join(out, `porthole-${version}-firefox-amo.zip`), '-d', packaged).status).toBe(0);
    expect(filesUnder(join(sources, '.output', 'firefox-mv2'))).toEqual(filesUnder(packaged));
  }, 200_000);
});
