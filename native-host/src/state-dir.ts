/**
 * The host's state folder (host.log, the `running/` records, the cloudflared config, the install
 * record): made readable by this user only, and refused when it is not safe to trust (issue 9,
 * findings 5 and 6). Every file Porthole writes there goes through `openPrivateFile` or
 * `writePrivateFile`: mode 0600 whatever the umask, and never through a link.
 */
import { closeSync, constants, fchmodSync, openSync, renameSync, writeSync } from 'node:fs';
import type { HostPaths } from './host-paths.js';
import type { Platform, PrivateDirProblem } from './platform/index.js';

/** One code for every refusal, so that logs and bug reports can be searched for it. */
export const STATE_DIR_UNSAFE = 'state-dir-unsafe';

/**
 * What the host does about an unsafe folder: it refuses to use it, but still starts and shares.
 * The folder only holds the log and the crash-cleanup records; refusing to share because of it
 * would punish the user for what may be someone else's doing, while writing into it would follow
 * that someone's link, and reading records from it would let them pick what the host kills. So,
 * like ssh with a group-writable ~/.ssh, Porthole says what is wrong and how to fix it, and carries
 * on without the folder: no log file, no records, no reaping.
 */
export class StateDirError extends Error {
  readonly code = STATE_DIR_UNSAFE;
  constructor(
    readonly path: string,
    readonly problem: PrivateDirProblem,
    detail: string,
  ) {
    super(`[${STATE_DIR_UNSAFE}] ${describe(path, problem, detail)}`);
    this.name = 'StateDirError';
  }
}

const WITHOUT = 'Until then Porthole keeps no log file and cannot clean up after a crashed host, but sharing works.';

/** The sentence a person sees: what is wrong with the folder, and the command that fixes it. */
function describe(path: string, problem: PrivateDirProblem, detail: string): string {
  const quoted = JSON.stringify(path);
  const sentences: Record<PrivateDirProblem, string> = {
    symlink: `Porthole's folder ${quoted} is a symbolic link, and Porthole only keeps its records in a real folder of its own. Remove the link (rm ${quoted}; Porthole makes the folder itself).`,
    'not-a-directory': `Porthole's folder ${quoted} is a file, not a folder. Move it out of the way (Porthole makes the folder itself).`,
    'foreign-owner': `Porthole's folder ${quoted} belongs to another user (${detail}), so Porthole cannot trust what is in it. Remove it (sudo rm -r ${quoted}), or take it back (sudo chown -R "$(id -u)" ${quoted}).`,
    'open-to-others': `Porthole's folder ${quoted} can be used by other users (${detail}), so Porthole keeps nothing there. Run chmod 700 ${quoted}, or point PORTHOLE_STATE_DIR at a folder of your own.`,
    unusable: `Porthole could not create or read its folder ${quoted} (${detail}). Check that your home folder is writable, or point PORTHOLE_STATE_DIR at a folder of your own.`,
  };
  return `${sentences[problem]} ${WITHOUT}`;
}

export interface StateDirStatus {
  /** Whether the state folder may hold host.log and the cloudflared config. */
  stateDirUsable: boolean;
  /** Whether records may be written to and read from `running/` (its parent must be usable too). */
  runningDirUsable: boolean;
  /** One per refused folder, each with a code and a sentence saying how to fix it. */
  problems: StateDirError[];
  /** Folders that were too open (an older Porthole made them under the umask) and are now 0700. */
  tightened: string[];
}

/** For commands that keep no state (install, doctor, --help): nothing is made or read. */
export const STATE_DIR_UNUSED: StateDirStatus = Object.freeze({
  stateDirUsable: false,
  runningDirUsable: false,
  problems: [],
  tightened: [],
});

/** Checks (creating them if needed) the state folder and `running/`; never throws. */
export function prepareStateDir(
  paths: Pick<HostPaths, 'stateDir' | 'runningDir' | 'stateDirChosen'>,
  platform: Pick<Platform, 'ensurePrivateDir'>,
): StateDirStatus {
  const status: StateDirStatus = { stateDirUsable: false, runningDirUsable: false, problems: [], tightened: [] };
  const check = (path: string, tighten: boolean): boolean => {
    const verdict = platform.ensurePrivateDir(path, { tighten });
    if (!verdict.ok) {
      status.problems.push(new StateDirError(path, verdict.problem, verdict.detail));
      return false;
    }
    if (verdict.tightenedFrom !== null) status.tightened.push(`${path} (was ${verdict.tightenedFrom.toString(8)})`);
    return true;
  };
  // A folder the user named may be shared with other things (their home, a project): its mode is
  // theirs to change. Porthole's own default folder, and running/ anywhere, are Porthole's.
  status.stateDirUsable = check(paths.stateDir, paths.stateDirChosen !== true);
  status.runningDirUsable = status.stateDirUsable && check(paths.runningDir, true);
  return status;
}

/** Absent on Windows, where links are refused by the folder check instead. */
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/**
 * Opens a file for the host's own eyes: created 0600, and made 0600 if an older host left it
 * looser. O_NOFOLLOW: a link planted in place of the file is an error, not a redirection.
 */
export function openPrivateFile(path: string, how: 'append' | 'truncate'): number {
  const flags = constants.O_WRONLY | constants.O_CREAT | NOFOLLOW | (how === 'append' ? constants.O_APPEND : constants.O_TRUNC);
  const fd = openSync(path, flags, 0o600);
  try {
    fchmodSync(fd, 0o600);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return fd;
}

/** Replaces a file's content at once (write beside it, then rename), readable by this user only. */
export function writePrivateFile(path: string, content: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  const fd = openPrivateFile(temp, 'truncate');
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}
