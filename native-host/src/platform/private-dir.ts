/**
 * Folders only this user can look into: the state folder and its `running/` records. The host
 * keeps there what tells it which processes to kill (the reaper's records) and what visitors asked
 * for (host.log), so a folder another user can write to, or a link to somewhere else, would let
 * that user choose what the host kills or read what it logs (issue 9, findings 5 and 6).
 */
import { chmodSync, lstatSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** Why a folder cannot be used; each maps to a sentence saying how to fix it (state-dir.ts). */
export type PrivateDirProblem = 'symlink' | 'not-a-directory' | 'foreign-owner' | 'open-to-others' | 'unusable';

export type PrivateDirVerdict =
  | { ok: true /** The looser mode it had before the host made it 0700, if it did. */; tightenedFrom: number | null }
  | {
      ok: false;
      problem: PrivateDirProblem /** The owner's uid, the mode, or the OS's error: what the fix message quotes. */;
      detail: string;
    };

export interface DirFacts {
  isSymbolicLink: boolean;
  isDirectory: boolean;
  uid: number;
  mode: number;
}

/**
 * What to do with a folder that exists, on a POSIX system. A link or another user's folder is
 * refused outright: whoever controls it controls what we would read back. A folder of ours that
 * is merely too open (an older Porthole made it under the umask, 0755) is made 0700, since
 * nobody but us and root could have put anything in it that the reaper would then trust, and the
 * reaper trusts nothing it finds there without checking it against the live process anyway.
 */
export function judgePrivateDir(facts: DirFacts, selfUid: number): 'ok' | 'tighten' | PrivateDirProblem {
  if (facts.isSymbolicLink) return 'symlink';
  if (!facts.isDirectory) return 'not-a-directory';
  if (facts.uid !== selfUid) return 'foreign-owner';
  return (facts.mode & 0o077) === 0 ? 'ok' : 'tighten';
}

function factsOf(path: string): DirFacts | null {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (stat === undefined) return null;
  return { isSymbolicLink: stat.isSymbolicLink(), isDirectory: stat.isDirectory(), uid: stat.uid, mode: stat.mode & 0o7777 };
}

function errorText(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}

/**
 * Linux and macOS: owner and mode bits say who can get in. `tighten: false` for a folder the
 * user named (PORTHOLE_STATE_DIR), which may be shared with other things (their home, a project):
 * Porthole says what is wrong rather than change its mode behind their back.
 */
export function ensurePosixPrivateDir(path: string, selfUid: number, { tighten = true }: { tighten?: boolean } = {}): PrivateDirVerdict {
  try {
    let facts = factsOf(path);
    if (facts === null) {
      mkdirSync(dirname(path), { recursive: true });
      // The mode given to mkdir passes through the umask; chmod below makes it exact.
      try {
        mkdirSync(path, { mode: 0o700 });
        chmodSync(path, 0o700);
      } catch (error) {
        // Another host starting at the same moment made it first: judged below like any other.
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      facts = factsOf(path);
      if (facts === null) return { ok: false, problem: 'unusable', detail: 'ENOENT' };
    }
    const verdict = judgePrivateDir(facts, selfUid);
    if (verdict === 'ok') return { ok: true, tightenedFrom: null };
    if (verdict !== 'tighten')
      return { ok: false, problem: verdict, detail: verdict === 'foreign-owner' ? `uid ${facts.uid}` : `mode ${facts.mode.toString(8)}` };
    if (!tighten) return { ok: false, problem: 'open-to-others', detail: `mode ${facts.mode.toString(8)}` };
    try {
      chmodSync(path, 0o700);
    } catch (error) {
      return { ok: false, problem: 'open-to-others', detail: `mode ${facts.mode.toString(8)}, chmod failed: ${errorText(error)}` };
    }
    const after = factsOf(path);
    if (after === null || judgePrivateDir(after, selfUid) !== 'ok')
      return { ok: false, problem: 'open-to-others', detail: `mode ${facts.mode.toString(8)}` };
    return { ok: true, tightenedFrom: facts.mode };
  } catch (error) {
    return { ok: false, problem: 'unusable', detail: errorText(error) };
  }
}

/**
 * Windows: the folder lives in %LOCALAPPDATA%, whose inherited ACL already keeps other users out,
 * and Node's mode bits mean nothing there; what can still be checked is that it is a real folder,
 * not a link or junction (lstat reports both as symbolic links).
 */
export function ensureWindowsPrivateDir(path: string): PrivateDirVerdict {
  try {
    mkdirSync(path, { recursive: true });
    const facts = factsOf(path);
    if (facts === null) return { ok: false, problem: 'unusable', detail: 'ENOENT' };
    if (facts.isSymbolicLink) return { ok: false, problem: 'symlink', detail: '' };
    if (!facts.isDirectory) return { ok: false, problem: 'not-a-directory', detail: '' };
    return { ok: true, tightenedFrom: null };
  } catch (error) {
    return { ok: false, problem: 'unusable', detail: errorText(error) };
  }
}
