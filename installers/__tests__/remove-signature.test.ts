import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeSignature } from '../sea/remove-signature.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'porthole-unsign-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('removeSignature', () => {
  it('says which package to install when osslsigncode is missing', async () => {
    const file = join(dir, 'node.exe');
    writeFileSync(file, 'MZ');
    await expect(removeSignature(file, 'pe', { osslsigncode: join(dir, 'no-such-osslsigncode') })).rejects.toMatchObject({
      code: 'osslsigncode-missing',
      message: expect.stringMatching(/apt-get install osslsigncode/),
    });
    expect(readFileSync(file, 'utf8')).toBe('MZ');
  });

  it('leaves ELF files alone: they carry no signature', async () => {
    const file = join(dir, 'node');
    writeFileSync(file, '\x7fELF');
    await expect(removeSignature(file, 'elf')).resolves.toBe('unsigned');
    expect(readFileSync(file, 'latin1')).toBe('\x7fELF');
  });
});
