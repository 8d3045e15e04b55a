/**
 * What `porthole-host share <path>` shares: a folder as it is, or a file's folder with the link
 * pointing at the file. Reads the disk; the folder itself is checked later (folder-check.ts).
 */
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';

export type FileTarget = { ok: true; folder: string; page: string } | { ok: false; message: string };

export function resolveFileTarget(typed: string, cwd: string = process.cwd(), home: string = homedir()): FileTarget {
  // `~/site` in quotes, or from a program: the shell did not expand it.
  const expanded = typed === '~' ? home : /^~[\\/]/.test(typed) ? join(home, typed.slice(2)) : typed;
  const path = resolve(cwd, expanded);
  let isDirectory: boolean;
  try {
    const stats = statSync(path);
    if (!stats.isDirectory() && !stats.isFile()) return { ok: false, message: `${typed} is neither a file nor a folder.` };
    isDirectory = stats.isDirectory();
  } catch {
    return {
      ok: false,
      message: `There is no file or folder at ${typed} (${path}). Give the port of your local server (porthole-host share 3000), or a folder or file to share.`,
    };
  }
  if (isDirectory) return { ok: true, folder: path, page: '' };
  // The file's folder is shared; the link opens the file.
  return { ok: true, folder: dirname(path), page: `/${encodeURIComponent(basename(path))}` };
}
