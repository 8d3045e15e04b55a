/**
 * What to do with each entry of a dropped .zip, and which folder of it to serve. Pure.
 *
 * An entry is unpacked only when its name passes the same rule as a dropped file's
 * (protocol/upload-path.ts): no `..`, no absolute name, no drive letter, no backslash (zip-slip).
 * Links are refused too: a symbolic link entry could point anywhere, and the static server would
 * then have a way out of the folder. macOS's `__MACOSX/` resource forks are skipped: nobody means
 * to publish them, and they would hide a zip's single top folder.
 */
import { checkUploadPath } from '../protocol/index.js';

export type EntryPlan =
  | { kind: 'file'; segments: string[] }
  | { kind: 'folder'; segments: string[] }
  | { kind: 'skip' }
  | { kind: 'refuse'; reason: string };

/** The file type bits of a Unix mode, as zips made on Unix store it in the high half of the external attributes. */
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

export function planEntry(fileName: string, externalFileAttributes: number): EntryPlan {
  const isFolder = fileName.endsWith('/');
  const name = isFolder ? fileName.slice(0, -1) : fileName;
  if (name === '__MACOSX' || name.startsWith('__MACOSX/')) return { kind: 'skip' };
  const checked = checkUploadPath(name);
  if (!checked.ok) return { kind: 'refuse', reason: checked.reason };
  const type = (externalFileAttributes >>> 16) & S_IFMT;
  if (type === S_IFLNK)
    return { kind: 'refuse', reason: `${JSON.stringify(name)} is a symbolic link, which could point outside the upload` };
  if (type !== 0 && type !== S_IFREG && type !== S_IFDIR)
    return { kind: 'refuse', reason: `${JSON.stringify(name)} is not a plain file or folder` };
  return { kind: isFolder || type === S_IFDIR ? 'folder' : 'file', segments: checked.segments };
}

/**
 * The folder every file sits in, when they all sit in one (`site/index.html`, `site/css/a.css` →
 * `site`): people zip the folder of their site, and its pages belong at the root of the address.
 * null when any file is at the top level, or when they sit in different folders.
 */
export function singleTopFolder(files: readonly (readonly string[])[]): string | null {
  let top: string | null = null;
  for (const segments of files) {
    if (segments.length < 2) return null;
    const first = segments[0] as string;
    if (top === null) top = first;
    else if (top !== first) return null;
  }
  return top;
}
