/**
 * Upload folders a crashed host left behind (a kill -9, a power cut: no exit handler ran). Each
 * folder is named `<pid>-<random>` after the host that made it; at start-up a host deletes those
 * whose host is no longer running. A folder whose pid runs again (reused by another program) waits
 * for a later start: deleting a live host's files would break its share.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Deletes the folders of hosts that are gone; returns their names. Never throws. */
export function removeLeftoverUploads(root: string, running: (pid: number) => boolean = isRunning): string[] {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = Number(/^(\d+)-/.exec(name)?.[1]);
    if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid || running(pid)) continue;
    try {
      rmSync(join(root, name), { recursive: true, force: true });
      removed.push(name);
    } catch {
      // Tried again at the next start.
    }
  }
  return removed;
}
