/**
 * Idle means idle (issue 15): the CPU the built host spends on shares that wait for cloudflared to
 * register (fake cloudflared in `edge-retry` mode: an address, a metrics server whose /ready says
 * 503, no registration), measured in consecutive 10 s windows. Linux only (reads /proc).
 *
 * Alone: `npm run build:host && tsx native-host/bench/idle-shares.ts` (BENCH_IDLE_SHARES,
 * BENCH_IDLE_WINDOWS, BENCH_IDLE_ORIGINS=down); `npm run bench` prints it too (six windows).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { OkReply } from '../src/protocol/index.js';
import { buildFakeCloudflared } from '../test/fake-cloudflared/build.js';
import { readFakeStates } from '../test/fake-cloudflared/state.js';
import { HostDriver, startOrigin } from '../test/host-driver.js';

const WINDOW_MS = 10_000;

/** CPU time of every thread of a process, in ms, to the nanosecond (/proc/PID/task/TID/schedstat). */
export function threadCpuMs(pid: number): number {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return ns / 1e6;
}

export interface IdleSharesResult {
  shares: number;
  /** Host CPU per 10 s window, in ms, from the moment every share has its address. */
  hostMsPerWindow: number[];
}

export async function idleSharesCpu(fakeCloudflared: string, shares = 20, windows = 7, originsUp = true): Promise<IdleSharesResult> {
  // One local server per share (a share is one local server). Live by default, so that no share's
  // gateway polls for a missing origin and what is measured is the wait for cloudflared; closed
  // (BENCH_IDLE_ORIGINS=down) to measure that poll too.
  const origins = await Promise.all(Array.from({ length: shares }, () => startOrigin()));
  if (!originsUp) for (const origin of origins) origin.server.close();
  const stateDir = mkdtempSync(join(tmpdir(), 'porthole-bench-idle-'));
  const host = new HostDriver({ fakeCloudflared, stateDir, mode: 'edge-retry', env: { PORTHOLE_MAX_SHARES: String(shares + 1) } });
  try {
    await host.request({ type: 'hello' });
    const ids: string[] = [];
    for (const [i, origin] of origins.entries()) {
      const reply = (await host.request({ type: 'share', origin: `http://localhost:${origin.port}` })) as Extract<
        OkReply,
        { type: 'share' }
      >;
      if (!reply.ok) throw new Error(`share ${i} refused: ${JSON.stringify(reply)}`);
      ids.push(reply.share.id);
    }
    for (const id of ids) await host.waitForChange(id, 'url', 30_000);
    const pid = host.child.pid;
    if (pid === undefined) throw new Error('no host pid');
    const hostMsPerWindow: number[] = [];
    for (let w = 0; w < windows; w++) {
      const before = threadCpuMs(pid);
      await new Promise((done) => setTimeout(done, WINDOW_MS));
      hostMsPerWindow.push(threadCpuMs(pid) - before);
    }
    if ((await readFakeStates(host.fakeDir)).some((state) => state.registered))
      throw new Error('a fake cloudflared registered: the shares were not waiting');
    return { shares, hostMsPerWindow };
  } finally {
    await host.dispose();
    for (const origin of origins) origin.server.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/** The line `npm run bench` prints: the first window (the backoff still ramping) and the mean once it has (from 30 s on). */
export function idleSharesLine(result: IdleSharesResult): string {
  const steady = result.hostMsPerWindow.slice(3);
  const mean = steady.length === 0 ? Number.NaN : steady.reduce((a, b) => a + b, 0) / steady.length;
  return `${result.shares} shares waiting for cloudflared to register: host CPU ${result.hostMsPerWindow[0]?.toFixed(1)} ms in the first 10 s, ${mean.toFixed(1)} ms per 10 s from 30 s on (target: under 50 ms); windows: ${result.hostMsPerWindow.map((ms) => ms.toFixed(1)).join(', ')}`;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const root = resolve(import.meta.dirname, '../..');
  const fake = await buildFakeCloudflared(join(root, 'dist', 'test', 'fake-cloudflared.mjs'));
  const result = await idleSharesCpu(
    fake,
    Number(process.env.BENCH_IDLE_SHARES ?? 20),
    Number(process.env.BENCH_IDLE_WINDOWS ?? 7),
    process.env.BENCH_IDLE_ORIGINS !== 'down',
  );
  console.log(idleSharesLine(result));
}
