import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hashInputs, isUpToDate, writeStamp } from '../build-stamp.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function repo(): string {
  const root = mkdtempSync(join(tmpdir(), 'porthole-stamp-'));
  dirs.push(root);
  mkdirSync(join(root, 'src', '__tests__'), { recursive: true });
  writeFileSync(join(root, 'src', 'main.ts'), 'export const a = 1;\n');
  writeFileSync(join(root, 'src', '__tests__', 'main.test.ts'), 'test\n');
  writeFileSync(join(root, 'package-lock.json'), '{}\n');
  mkdirSync(join(root, 'out'));
  writeFileSync(join(root, 'out', 'app'), 'built');
  return root;
}

describe('build stamps', () => {
  it('hash what a build reads: contents and names, not times, not tests', () => {
    const root = repo();
    const before = hashInputs(root, ['src', 'package-lock.json']);
    utimesSync(join(root, 'src', 'main.ts'), new Date(2000, 1, 1), new Date(2000, 1, 1));
    writeFileSync(join(root, 'src', '__tests__', 'main.test.ts'), 'another test\n');
    expect(hashInputs(root, ['src', 'package-lock.json'])).toBe(before);
    writeFileSync(join(root, 'src', 'main.ts'), 'export const a = 2;\n');
    expect(hashInputs(root, ['src', 'package-lock.json'])).not.toBe(before);
    writeFileSync(join(root, 'src', 'main.ts'), 'export const a = 1;\n');
    writeFileSync(join(root, 'src', 'extra.ts'), '');
    expect(hashInputs(root, ['src', 'package-lock.json'])).not.toBe(before);
  });

  it('count only the build-relevant fields of package.json: a new script rebuilds nothing, a new version does', () => {
    const root = repo();
    const write = (scripts: object, version: string) =>
      writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'p', version, scripts, devDependencies: { wxt: '0.21.4' } }));
    write({ start: 'a' }, '1.0.0');
    const before = hashInputs(root, ['package.json']);
    write({ start: 'b', zip: 'c' }, '1.0.0');
    expect(hashInputs(root, ['package.json'])).toBe(before);
    write({ start: 'b', zip: 'c' }, '1.0.1');
    expect(hashInputs(root, ['package.json'])).not.toBe(before);
  });

  it('a build is up to date only with its stamp, the same inputs and the outputs it left', () => {
    const root = repo();
    const hash = hashInputs(root, ['src']);
    expect(isUpToDate(root, 'app', hash, ['out/app'])).toBe(false);
    writeStamp(root, 'app', hash, ['out/app']);
    expect(isUpToDate(root, 'app', hash, ['out/app'])).toBe(true);
    expect(isUpToDate(root, 'app', 'another hash', ['out/app'])).toBe(false);
    // Rebuilt by something else (npm run build from other sources): not the output the stamp describes.
    writeFileSync(join(root, 'out', 'app'), 'built again, differently');
    expect(isUpToDate(root, 'app', hash, ['out/app'])).toBe(false);
    writeStamp(root, 'app', hash, ['out/app']);
    rmSync(join(root, 'out', 'app'));
    expect(isUpToDate(root, 'app', hash, ['out/app'])).toBe(false);
  });
});
