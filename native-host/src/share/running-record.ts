/**
 * The record a host keeps of the cloudflared processes it started, one file per host, so that a
 * host killed outright (SIGKILL, crash, power cut of the browser) can be cleaned up after by the
 * next one — and only its own processes, checked by pid and command line.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive, type Platform } from '../platform/index.js';

export interface RunningChild {
  pid: number;
  /** The full argument list, binary first, as the host spawned it. */
  argv: string[];
  startedAt: number;
}

export interface RunningRecord {
  hostPid: number;
  children: RunningChild[];
}

/**
 * True when a process's command line (as the OS prints it: joined by spaces, maybe quoted on
 * Windows) is the one we recorded. Every recorded argument must appear, in order.
 */
export function commandLineMatches(argv: readonly string[], commandLine: string): boolean {
  let from = 0;
  for (const arg of argv) {
    const at = commandLine.indexOf(arg, from);
    if (at === -1) return false;
    from = at + arg.length;
  }
  return argv.length > 0;
}

export class RunningRecordFile {
  private readonly file: string;
  private readonly children = new Map<number, RunningChild>();

  constructor(
    private readonly dir: string,
    private readonly hostPid: number = process.pid,
  ) {
    this.file = join(dir, `${hostPid}.json`);
  }

  add(child: RunningChild): void {
    this.children.set(child.pid, child);
    this.write();
  }

  remove(pid: number): void {
    if (this.children.delete(pid)) this.write();
  }

  /** Synchronous so that it can run in an exit handler. */
  private write(): void {
    if (this.children.size === 0) {
      rmSync(this.file, { force: true });
      return;
    }
    mkdirSync(this.dir, { recursive: true });
    const record: RunningRecord = { hostPid: this.hostPid, children: [...this.children.values()] };
    const temp = `${this.file}.tmp`;
    writeFileSync(temp, JSON.stringify(record));
    renameSync(temp, this.file);
  }
}

export interface ReapResult {
  /** cloudflared processes a dead host left behind, now stopped. */
  stopped: RunningChild[];
  /** Recorded processes that were gone already, or whose pid now belongs to something else. */
  skipped: RunningChild[];
}

function readRecord(path: string): RunningRecord | null {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as RunningRecord;
    return Number.isInteger(value.hostPid) && Array.isArray(value.children) ? value : null;
  } catch {
    return null;
  }
}

/** Stops what hosts that are no longer running left behind, and forgets their records. */
export async function reapOrphans(dir: string, platform: Platform, selfPid: number = process.pid): Promise<ReapResult> {
  const result: ReapResult = { stopped: [], skipped: [] };
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => /^\d+\.json$/.test(name));
  } catch {
    return result;
  }
  for (const name of names) {
    const path = join(dir, name);
    const record = readRecord(path);
    if (record !== null && (record.hostPid === selfPid || (await isHostRunning(record.hostPid, platform)))) continue;
    for (const child of record?.children ?? []) {
      const commandLine = await platform.commandLine(child.pid);
      if (commandLine !== null && commandLineMatches(child.argv, commandLine)) {
        platform.forceKill(child.pid);
        result.stopped.push(child);
      } else {
        result.skipped.push(child);
      }
    }
    rmSync(path, { force: true });
  }
  return result;
}

/** A live pid alone is not enough: after a crash the OS may have given it to another program. */
async function isHostRunning(pid: number, platform: Platform): Promise<boolean> {
  if (!isAlive(pid)) return false;
  const commandLine = await platform.commandLine(pid);
  return commandLine !== null && commandLine.includes('porthole-host');
}
