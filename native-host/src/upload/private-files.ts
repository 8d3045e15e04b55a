/**
 * Writing dropped files where only this user can read them: folders 0700, files 0600 whatever the
 * umask, never through a link (O_NOFOLLOW; Porthole never makes links there, so one found is
 * someone else's doing), and a file is created only once (O_EXCL at offset 0: two dropped names that
 * one file system takes for the same file are refused, not merged).
 */
import { constants, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, mkdtemp, open } from 'node:fs/promises';
import { join } from 'node:path';
import { PortholeError } from '../errors.js';

/** Absent on Windows, where the folder's owner-only ACL is what keeps others out. */
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/** A new folder of its own under `root` (mkdtemp makes it 0700). */
export async function makePrivateFolder(root: string, prefix: string): Promise<string> {
  await mkdir(root, { recursive: true, mode: 0o700 });
  return mkdtemp(join(root, prefix));
}

/** The sentence for a file system refusal while writing `name`. */
export function writeRefusal(error: unknown, name: string): PortholeError {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const shown = JSON.stringify(name);
  const sentence =
    code === 'EEXIST'
      ? `${shown} appears twice (names that differ only in upper and lower case count as one on some systems). Rename one, then share again.`
      : code === 'ENOTDIR' || code === 'EISDIR'
        ? `${shown} is both a file and a folder in what was dropped. Rename one, then share again.`
        : code === 'ENOSPC' || code === 'EDQUOT'
          ? 'The disk is full: Porthole could not keep those files. Free some space, then share again.'
          : `Porthole could not write ${shown} to its temporary folder (${code ?? String(error)}).`;
  return new PortholeError('upload-refused', sentence);
}

/** Makes the file's folders; a file already standing where a folder must go is refused. */
async function parentsOf(folder: string, segments: readonly string[]): Promise<string> {
  const parent = join(folder, ...segments.slice(0, -1));
  try {
    await mkdir(parent, { recursive: true, mode: 0o700 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw code === 'EEXIST' || code === 'ENOTDIR' ? Object.assign(new Error(code), { code: 'ENOTDIR' }) : error;
  }
  return join(parent, segments.at(-1) as string);
}

/** Writes `bytes` at `offset` of the file `segments` under `folder`; offset 0 creates the file. */
export async function writeChunk(folder: string, segments: readonly string[], offset: number, bytes: Uint8Array): Promise<void> {
  const name = segments.join('/');
  try {
    const path = await parentsOf(folder, segments);
    const flags = constants.O_WRONLY | NOFOLLOW | (offset === 0 ? constants.O_CREAT | constants.O_EXCL : 0);
    const file = await open(path, flags, 0o600);
    try {
      if (bytes.length > 0) await file.write(bytes, 0, bytes.length, offset);
    } finally {
      await file.close();
    }
  } catch (error) {
    throw writeRefusal(error, name);
  }
}

/** A new private file to stream into (an entry of an unpacked archive). */
export async function createPrivateFile(folder: string, segments: readonly string[]): Promise<WriteStream> {
  const name = segments.join('/');
  try {
    const path = await parentsOf(folder, segments);
    const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, 0o600);
    return createWriteStream('', { fd: handle });
  } catch (error) {
    throw writeRefusal(error, name);
  }
}

/** A folder inside the upload (an archive's folder entry, so that empty folders exist too). */
export async function makeFolderIn(folder: string, segments: readonly string[]): Promise<void> {
  try {
    await mkdir(join(folder, ...segments), { recursive: true, mode: 0o700 });
  } catch (error) {
    throw writeRefusal(error, segments.join('/'));
  }
}
