import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stripSymbols } from '../sea/strip-symbols.js';

const dir = mkdtempSync(join(tmpdir(), 'porthole-strip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('stripSymbols', () => {
  it('leaves the file as it was and says why when no strip tool is installed', async () => {
    const file = join(dir, 'node-missing-tools');
    copyFileSync(process.execPath, file);
    const before = statSync(file).size;
    const result = await stripSymbols(file, 'elf', { tools: [join(dir, 'no-such-llvm-strip'), join(dir, 'no-such-strip')] });
    expect(result).toEqual({
      stripped: false,
      reason: expect.stringMatching(/no-such-llvm-strip: not installed; .*no-such-strip: not installed/),
    });
    expect(statSync(file).size).toBe(before);
  });

  it('does not touch Mach-O or PE files (signed afterwards, or symbols kept apart)', async () => {
    const file = join(dir, 'not-elf');
    copyFileSync(process.execPath, file);
    const before = statSync(file).size;
    expect(await stripSymbols(file, 'macho')).toMatchObject({ stripped: false });
    expect(await stripSymbols(file, 'pe')).toMatchObject({ stripped: false });
    expect(statSync(file).size).toBe(before);
  });

  it('falls through a failing tool to the next one', async () => {
    const file = join(dir, 'node-fallthrough');
    copyFileSync(process.execPath, file);
    // `false` exists everywhere and always fails: the next tool must still run.
    const result = await stripSymbols(file, 'elf', { tools: ['false', 'strip'] });
    expect(result).toEqual({ stripped: true, tool: 'strip' });
  });
});
