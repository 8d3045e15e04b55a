/**
 * Whether a folder may be shared, checked when the request comes (the contract checks only that the
 * path is absolute). Refused with `folder-refused` and a sentence that says why: a path that does not
 * exist, a file, and any folder that is the home folder or holds it (`/`, `/home`, `C:\Users`):
 * sharing those publishes every key, mail and browser profile of the user, which is almost never meant.
 */
import { realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { sep } from 'node:path';
import { PortholeError } from '../errors.js';
import { isInside } from './request-path.js';

/** The folder's real path (symlinks resolved), or throws `folder-refused`. */
export function checkShareableFolder(path: string, home: string = homedir()): string {
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    throw new PortholeError('folder-refused', `There is no folder at ${path}. Check the path, then share again.`);
  }
  if (!statSync(real).isDirectory()) {
    throw new PortholeError(
      'folder-refused',
      `${path} is a file, not a folder. Share the folder that holds it (the link then opens the file).`,
    );
  }
  let realHome: string | null = null;
  try {
    realHome = realpathSync(home);
  } catch {
    realHome = null;
  }
  const root = real === sep || /^[A-Za-z]:\\?$/.test(real);
  if (root || (realHome !== null && isInside(real, realHome, sep))) {
    throw new PortholeError(
      'folder-refused',
      `${path} ${root ? 'is the whole file system' : realHome === real ? 'is your home folder' : 'holds your home folder'}: sharing it would publish every file you have (keys, mail, browser profiles). Share the folder of the site itself, such as its dist or public folder.`,
    );
  }
  return real;
}
