/**
 * Removes the vendor's code signature before the blob goes in: injecting changes the bytes the
 * signature covers, and a broken signature is worse than none (Windows' loader and postject both
 * complain; macOS refuses to run it). ELF binaries carry no signature.
 */
import { execFile } from 'node:child_process';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { unsign } from 'macho-unsign';
import type { ExecutableFormat } from '../targets.js';
import { SeaBuildError } from './sea-build-error.js';

export type SignatureRemoval = 'removed' | 'unsigned';

export const OSSLSIGNCODE_MISSING_MESSAGE =
  'osslsigncode is needed to remove the Authenticode signature of the Windows Node binary before injecting. Install it: `apt-get install osslsigncode` (Debian/Ubuntu package osslsigncode) or `brew install osslsigncode` (macOS).';

function removeAuthenticode(file: string, osslsigncode: string): Promise<SignatureRemoval> {
  const unsigned = `${file}.unsigned`;
  return new Promise((resolve, reject) => {
    execFile(osslsigncode, ['remove-signature', '-in', file, '-out', unsigned], { windowsHide: true }, (error, stdout, stderr) => {
      if (error === null) {
        renameSync(unsigned, file);
        return resolve('removed');
      }
      rmSync(unsigned, { force: true });
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        return reject(new SeaBuildError('osslsigncode-missing', OSSLSIGNCODE_MISSING_MESSAGE));
      const output = `${stdout}\n${stderr}`;
      // osslsigncode fails on a file that has nothing to remove; for us that is success.
      if (/does not have any signature/i.test(output)) return resolve('unsigned');
      reject(
        new SeaBuildError('unsign-failed', `osslsigncode remove-signature failed on ${file}: ${output.trim() || error.message}`, {
          cause: error,
        }),
      );
    });
  });
}

function removeMachOSignature(file: string): SignatureRemoval {
  const result = unsign(readFileSync(file));
  if (result === null) return 'unsigned';
  writeFileSync(file, new Uint8Array(result));
  return 'removed';
}

/** `osslsigncode` names the program to run for PE files (tests point it at one that is missing). */
export async function removeSignature(
  file: string,
  format: ExecutableFormat,
  { osslsigncode = 'osslsigncode' } = {},
): Promise<SignatureRemoval> {
  switch (format) {
    case 'pe':
      return removeAuthenticode(file, osslsigncode);
    case 'macho':
      return removeMachOSignature(file);
    case 'elf':
      return 'unsigned';
  }
}
