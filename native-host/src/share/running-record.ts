/**
 * The record a host keeps of the cloudflared processes it started, one file per host, so that a
 * host killed outright (SIGKILL, crash, power cut of the browser) can be cleaned up after by the
 * next one — and only its own processes.
 *
 * A record is data from disk, so the reaper trusts none of it (issue 9, finding 5): a pid must be
 * a positive integer; the live process must have exactly the recorded arguments (element by
 * element where the OS keeps them apart, never a substring) and the recorded start time, so a pid
 * the OS has since given to another program is left alone; any error signalling one process is
 * that process's, not the host's; and every record read is removed, whatever became of it.
 */
import { lstatSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log.js';
import { isAlive, type Platform, type ProcessInfo } from '../platform/index.js';
import { writePrivateFile } from '../state-dir.js';

export interface RunningChild {
  pid: number;
  /**
   * The argument list, program first, as the OS reports it once the program runs (which is how
   * the reaper will see it: a script's interpreter comes first), else as the host spawned it.
   */
  argv: string[];
  /** The OS's start time of the process (ProcessInfo.startTime); null until known, and then nothing matches. */
  startTime: string | null;
  /** Epoch ms; for people reading the file. */
  startedAt: number;
}

export interface RunningRecord {
  hostPid: number;
  /** The writing host's own start time, so that a later process with its pid does not pass for it. */
  hostStartTime: string | null;
  children: RunningChild[];
}

/** A pid the reaper may consider: a positive integer, and not init's. */
export function isValidPid(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 1;
}

/**
 * Whether a live process is the one recorded. A record with no arguments, an empty program name
 * or no start time matches nothing. Where the OS keeps only a joined command line (macOS), the
 * whole line must equal the recorded arguments joined the same way.
 */
export function isSameProcess(recorded: Pick<RunningChild, 'argv' | 'startTime'>, seen: ProcessInfo): boolean {
  const { argv, startTime } = recorded;
  if (argv.length === 0 || argv[0] === '' || startTime === null || startTime === '') return false;
  if (seen.startTime !== startTime) return false;
  if (seen.argv === null) return seen.commandLine === argv.join(' ');
  return seen.argv.length === argv.length && seen.argv.every((arg, i) => arg === argv[i]);
}

export type ParsedRecord = { ok: true; record: RunningRecord; dropped: string[] } | { ok: false; reason: string };

/**
 * Checks a record file's content against its name (`<hostPid>.json`); children that are not
 * well formed are dropped, each with the reason, and the rest kept.
 */
export function parseRecord(text: string, fileHostPid: number): ParsedRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (typeof value !== 'object' || value === null) return { ok: false, reason: 'not an object' };
  const { hostPid, hostStartTime, children } = value as Record<string, unknown>;
  if (!isValidPid(hostPid) || hostPid !== fileHostPid)
    return { ok: false, reason: `host pid ${JSON.stringify(hostPid)} is not ${fileHostPid}` };
  if (!Array.isArray(children)) return { ok: false, reason: 'no list of children' };
  const kept: RunningChild[] = [];
  const dropped: string[] = [];
  for (const child of children as unknown[]) {
    const { pid, argv, startTime, startedAt } = (typeof child === 'object' && child !== null ? child : {}) as Record<string, unknown>;
    if (!isValidPid(pid)) dropped.push(`pid ${JSON.stringify(pid) ?? 'missing'} is not a process id`);
    else if (!Array.isArray(argv) || argv.length === 0 || !argv.every((arg) => typeof arg === 'string') || argv[0] === '')
      dropped.push(`pid ${pid}: no command line recorded`);
    else if (typeof startTime !== 'string' || startTime === '') dropped.push(`pid ${pid}: no start time recorded`);
    else kept.push({ pid, argv: argv as string[], startTime, startedAt: typeof startedAt === 'number' ? startedAt : 0 });
  }
  return {
    ok: true,
    record: { hostPid, hostStartTime: typeof hostStartTime === 'string' && hostStartTime !== '' ? hostStartTime : null, children: kept },
    dropped,
  };
}

export class RunningRecordFile {
  private readonly file: string | null;
  private readonly children = new Map<number, RunningChild>();
  private hostStartTime: string | null = null;

  /** `dir` is null when there is no safe folder for records (state-dir.ts): then nothing is written. */
  constructor(
    private readonly dir: string | null,
    private readonly hostPid: number = process.pid,
  ) {
    this.file = dir === null ? null : join(dir, `${hostPid}.json`);
  }

  setHostStartTime(startTime: string | null): void {
    this.hostStartTime = startTime;
    if (this.children.size > 0) this.write();
  }

  add(child: RunningChild): void {
    this.children.set(child.pid, child);
    this.write();
  }

  /** What the OS says about a child once it runs; ignored when the child has ended meanwhile. */
  update(pid: number, change: Partial<Pick<RunningChild, 'argv' | 'startTime'>>): void {
    const child = this.children.get(pid);
    if (child === undefined) return;
    this.children.set(pid, { ...child, ...change });
    this.write();
  }

  remove(pid: number): void {
    if (this.children.delete(pid)) this.write();
  }

  /** Synchronous so that it can run in an exit handler. */
  private write(): void {
    if (this.file === null) return;
    if (this.children.size === 0) {
      try {
        rmSync(this.file, { force: true });
      } catch {
        // Left for the next host's reaper, which removes it after checking the pids in it.
      }
      return;
    }
    const record: RunningRecord = { hostPid: this.hostPid, hostStartTime: this.hostStartTime, children: [...this.children.values()] };
    const content = JSON.stringify(record);
    try {
      writePrivateFile(this.file, content);
    } catch (error) {
      // Runs from process events and exit handlers: a record that cannot be written costs the
      // clean-up after a crash, never the host. A folder removed under us is made again (0700).
      if (this.dir === null || (error as NodeJS.ErrnoException).code !== 'ENOENT') return;
      try {
        mkdirSync(this.dir, { mode: 0o700 });
        writePrivateFile(this.file, content);
      } catch {
        // As above.
      }
    }
  }
}

export interface ReapResult {
  /** cloudflared processes a dead host left behind, now stopped. */
  stopped: RunningChild[];
  /** Recorded processes that were gone already, or whose pid now belongs to something else. */
  skipped: RunningChild[];
  /** What was wrong with records or signals, one line each, for the log. */
  problems: string[];
}

export interface ReapOptions {
  selfPid?: number;
  /** Owner every record file must have; undefined where the OS has no uids (Windows). */
  selfUid?: number;
}

/**
 * Stops what hosts that are no longer running left behind, and forgets their records. Never
 * throws: a bad record is a line in `problems`, and the host goes on to answer the browser.
 */
export async function reapOrphans(
  dir: string,
  platform: Pick<Platform, 'inspectProcess' | 'forceKill'>,
  options: ReapOptions = {},
): Promise<ReapResult> {
  const { selfPid = process.pid, selfUid = process.getuid?.() } = options;
  const result: ReapResult = { stopped: [], skipped: [], problems: [] };
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => /^\d+\.json$/.test(name));
  } catch {
    return result;
  }
  for (const name of names) {
    const path = join(dir, name);
    try {
      if (await reapRecord(path, name, platform, selfPid, selfUid, result)) continue;
    } catch (error) {
      result.problems.push(`${name}: ${String(error)}`);
    }
    try {
      rmSync(path, { force: true });
    } catch (error) {
      result.problems.push(`${name}: could not remove it: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  }
  return result;
}

/** Handles one record; true when it belongs to a host still running and must stay. */
async function reapRecord(
  path: string,
  name: string,
  platform: Pick<Platform, 'inspectProcess' | 'forceKill'>,
  selfPid: number,
  selfUid: number | undefined,
  result: ReapResult,
): Promise<boolean> {
  const fileHostPid = Number(name.slice(0, -'.json'.length));
  // lstat, not stat: a link in place of a record is not followed, only removed.
  const stat = lstatSync(path);
  if (!stat.isFile() || (selfUid !== undefined && stat.uid !== selfUid)) {
    result.problems.push(`${name}: not a file of this user's; removed unread`);
    return false;
  }
  const parsed = parseRecord(readFileSync(path, 'utf8'), fileHostPid);
  if (!parsed.ok) {
    result.problems.push(`${name}: ${parsed.reason}; removed`);
    return false;
  }
  const { record, dropped } = parsed;
  if (record.hostPid === selfPid) return true;
  if (await isHostRunning(record, platform)) return true;
  for (const reason of dropped) result.problems.push(`${name}: ${reason}; not signalled`);
  for (const child of record.children) {
    if (child.pid === selfPid) {
      result.skipped.push(child);
      continue;
    }
    const seen = await platform.inspectProcess(child.pid);
    if (seen === null || !isSameProcess(child, seen)) {
      result.skipped.push(child);
      continue;
    }
    // The pid could change hands between the check and the signal only if the process ended in
    // those microseconds and the OS reused its pid at once; Node offers no pidfd to close that gap.
    try {
      platform.forceKill(child.pid);
      result.stopped.push(child);
    } catch (error) {
      result.problems.push(`${name}: could not stop pid ${child.pid}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      result.skipped.push(child);
    }
  }
  return false;
}

/** A live pid alone is not enough: after a crash the OS may have given it to another program. */
async function isHostRunning(record: RunningRecord, platform: Pick<Platform, 'inspectProcess'>): Promise<boolean> {
  if (!isAlive(record.hostPid)) return false;
  const seen = await platform.inspectProcess(record.hostPid);
  if (seen === null) return false;
  // Records written before hosts recorded their start time: the old rule, which errs on the side of
  // leaving processes alone.
  if (record.hostStartTime === null) return seen.commandLine.includes('porthole-host');
  return seen.startTime === record.hostStartTime;
}
