/**
 * What Linux says about a process: CPU time and memory, read from /proc. Every figure is null
 * elsewhere, and the tables print "n/a".
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/PID/stat's times; 100 on every Linux Node runs on. */
const TICKS_PER_SECOND = 100;

function statFields(pid: number): string[] | null {
  try {
    // The command name (field 2) may hold spaces and parentheses: split after its closing one.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  } catch {
    return null;
  }
}

function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8')
        .split(' ')
        .filter((s) => s !== '')
        .map(Number),
    );
  } catch {
    return [];
  }
}

/** utime + stime of a process and, with `tree`, of its living descendants (nginx's workers), in ms. */
export function cpuMs(pid: number, { tree = false } = {}): number | null {
  const fields = statFields(pid);
  if (fields === null) return null;
  // Fields 14 and 15 of the whole line: utime and stime, here at index 11 and 12.
  const own = ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  if (!tree) return own;
  return childrenOf(pid).reduce((sum, child) => sum + (cpuMs(child, { tree: true }) ?? 0), own);
}

export interface Memory {
  /** Resident pages, shared ones included: for a 100 MB executable, mostly its mapped file. */
  rssKiB: number;
  /** Anonymous memory: the heap and stacks the process made itself, what it really costs the machine. */
  anonymousKiB: number;
}

export function memoryOf(pid: number): Memory | null {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? Number.NaN);
    return { rssKiB: field('Rss'), anonymousKiB: field('Anonymous') };
  } catch {
    return null;
  }
}
