/**
 * The orphan reaper against crafted records (issue 9, finding 5): the built host, spawned as a
 * browser spawns it, starts in a state folder holding records that point at live bystander
 * processes, and must answer hello, leave every bystander running, and remove every record.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { linux } from '../../src/platform/linux.js';
import type { OkReply } from '../../src/protocol/index.js';
import { HOST_BINARY, HostDriver, isAlive } from '../host-driver.js';

const fakeCloudflared = inject('fakeCloudflared');
const hosts: HostDriver[] = [];
const bystanders: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.dispose()));
  for (const child of bystanders.splice(0)) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A process that is none of Porthole's, with a command line much like a cloudflared's. */
async function startBystander(): Promise<{ pid: number; argv: string[]; startTime: string }> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)', 'tunnel', '--url', 'http://127.0.0.1:41234'], {
    stdio: 'ignore',
  });
  bystanders.push(child);
  const pid = child.pid;
  if (pid === undefined) throw new Error('no bystander');
  // What a host that had started it would have recorded: its arguments and start time, as the OS tells them.
  for (let i = 0; i < 100; i++) {
    const seen = await linux.inspectProcess(pid);
    if (seen?.argv?.[0] === process.execPath && seen.startTime !== null) return { pid, argv: seen.argv, startTime: seen.startTime };
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('bystander did not start');
}

function stateDirWithRecords(records: Record<string, unknown>): { stateDir: string; runningDir: string } {
  const stateDir = mkdtempSync(join(tmpdir(), 'porthole-reaper-'));
  dirs.push(stateDir);
  const runningDir = join(stateDir, 'running');
  mkdirSync(runningDir, { mode: 0o700 });
  for (const [name, content] of Object.entries(records))
    writeFileSync(join(runningDir, name), typeof content === 'string' ? content : JSON.stringify(content));
  return { stateDir, runningDir };
}

function startHost(stateDir: string, user?: { uid: number; gid: number }): HostDriver {
  const host = new HostDriver({ fakeCloudflared, stateDir, user });
  hosts.push(host);
  return host;
}

/** A host pid nothing runs as, so that records naming it are a dead host's. */
const DEAD_HOST = 2147483000;

describe('the reaper and crafted records', () => {
  it.each<[string, (b: { pid: number; argv: string[]; startTime: string }) => unknown]>([
    [
      'an empty argv ([] or [""])',
      (b) => [
        { pid: b.pid, argv: [], startTime: b.startTime },
        { pid: b.pid, argv: [''], startTime: b.startTime },
      ],
    ],
    [
      'a partial argv (:4123 against a live :41234)',
      (b) => ({ pid: b.pid, argv: [...b.argv.slice(0, -1), 'http://127.0.0.1:4123'], startTime: b.startTime }),
    ],
    ['a prefix of the argv', (b) => ({ pid: b.pid, argv: b.argv.slice(0, 2), startTime: b.startTime })],
    [
      'a recycled pid (the same argv, another start time)',
      (b) => ({ pid: b.pid, argv: b.argv, startTime: `${b.startTime.split(':')[0]}:1` }),
    ],
    ['a record without a start time', (b) => ({ pid: b.pid, argv: b.argv, startedAt: 0 })],
    ['the pid as a string', (b) => ({ pid: String(b.pid), argv: b.argv, startTime: b.startTime })],
  ])('%s: the host answers hello, the bystander lives, the record is gone', async (_, child) => {
    const bystander = await startBystander();
    const { stateDir, runningDir } = stateDirWithRecords({
      [`${DEAD_HOST}.json`]: { hostPid: DEAD_HOST, children: [child(bystander)].flat() },
    });
    const host = startHost(stateDir);
    expect(await host.request({ type: 'hello' })).toMatchObject({ ok: true });
    expect(isAlive(bystander.pid)).toBe(true);
    expect(readdirSync(runningDir)).toEqual([]);
  });

  it('non-numeric, negative, zero, float and oversized pids, and records that are not records: hello, nothing signalled, all removed', async () => {
    const bystander = await startBystander();
    const child = (pid: unknown): unknown => ({ pid, argv: [HOST_BINARY], startTime: bystander.startTime });
    const { stateDir, runningDir } = stateDirWithRecords({
      // /proc/self is the reading process: a substring match on its command line once made the host
      // call process.kill('self'), which throws, before it ever answered the browser.
      [`${DEAD_HOST}.json`]: { hostPid: DEAD_HOST, children: ['self', 'thread-self', -1, 0, 1.5, 2 ** 53, null, '', [1]].map(child) },
      [`${DEAD_HOST + 1}.json`]: { hostPid: 'self', children: [child(bystander.pid)] },
      [`${DEAD_HOST + 2}.json`]: '{not json',
      [`${DEAD_HOST + 3}.json`]: '[]',
      [`${DEAD_HOST + 4}.json`]: { hostPid: DEAD_HOST + 4, children: 'all' },
    });
    const host = startHost(stateDir);
    expect(await host.request({ type: 'hello' })).toMatchObject({ ok: true });
    expect(isAlive(bystander.pid)).toBe(true);
    expect(readdirSync(runningDir)).toEqual([]);
    expect(host.stderr).toMatch(/running record .*"self" is not a process id; not signalled/);
    expect(host.child.exitCode).toBeNull();
  });

  it('a process the host may not signal (EPERM): hello, the process lives, the record is gone, the refusal is logged', async () => {
    // The host runs as nobody; the bystander is root's and matches its record exactly, so the
    // host does try to stop it and the OS refuses.
    expect(process.getuid?.()).toBe(0);
    const bystander = await startBystander();
    const { stateDir, runningDir } = stateDirWithRecords({
      [`${DEAD_HOST}.json`]: {
        hostPid: DEAD_HOST,
        children: [{ pid: bystander.pid, argv: bystander.argv, startTime: bystander.startTime, startedAt: 0 }],
      },
    });
    for (const path of [stateDir, runningDir, join(runningDir, `${DEAD_HOST}.json`)]) chownSync(path, 65534, 65534);
    const host = startHost(stateDir, { uid: 65534, gid: 65534 });
    expect(await host.request({ type: 'hello' })).toMatchObject({ ok: true });
    expect(isAlive(bystander.pid)).toBe(true);
    expect(readdirSync(runningDir)).toEqual([]);
    expect(host.stderr).toMatch(new RegExp(`could not stop pid ${bystander.pid}: EPERM`));
  });

  it('a symlinked running/ is refused with a coded message and not followed: hello, the bystander lives, the records behind the link are untouched', async () => {
    const bystander = await startBystander();
    const elsewhere = mkdtempSync(join(tmpdir(), 'porthole-elsewhere-'));
    dirs.push(elsewhere);
    // A record that would be obeyed if it were in a real running/: the bystander's exact argv and start time.
    writeFileSync(
      join(elsewhere, `${DEAD_HOST}.json`),
      JSON.stringify({
        hostPid: DEAD_HOST,
        children: [{ pid: bystander.pid, argv: bystander.argv, startTime: bystander.startTime, startedAt: 0 }],
      }),
    );
    const stateDir = mkdtempSync(join(tmpdir(), 'porthole-reaper-'));
    dirs.push(stateDir);
    symlinkSync(elsewhere, join(stateDir, 'running'));
    const host = startHost(stateDir);
    expect(await host.request({ type: 'hello' })).toMatchObject({ ok: true });
    expect(isAlive(bystander.pid)).toBe(true);
    expect(existsSync(join(elsewhere, `${DEAD_HOST}.json`))).toBe(true);
    expect(host.stderr).toMatch(/\[state-dir-unsafe\] Porthole's folder ".*running" is a symbolic link.*Remove the link/);
  });

  it('a state folder of another user is refused, and the host still shares', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'porthole-reaper-'));
    dirs.push(stateDir);
    chownSync(stateDir, 65534, 65534);
    const host = startHost(stateDir);
    expect(await host.request({ type: 'hello' })).toMatchObject({ ok: true });
    expect(host.stderr).toMatch(/\[state-dir-unsafe\] .*belongs to another user \(uid 65534\)/);
    expect(existsSync(join(stateDir, 'host.log'))).toBe(false);
    const reply = await host.request<Extract<OkReply, { type: 'share' }>>({ type: 'share', origin: 'http://localhost:1' });
    expect(reply.ok).toBe(true);
    await host.waitForChange(reply.share.id, 'url');
  });
});
