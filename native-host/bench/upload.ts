/**
 * Receiving a 100 MB drop (`npm run bench`, or `npx tsx native-host/bench/upload.ts` after
 * `npm run build:host`): the built host takes 200 `upload-chunk` requests of 512 KiB over real native
 * messaging frames, one reply awaited at a time as the extension sends them. Judged against writing
 * the same bytes without Porthole, in the same run: `cp` of a 100 MB file for the time, and a Node
 * process writing 100 MB to a file in 512 KiB pieces for the memory (its private, anonymous peak).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { OkReply } from '../src/protocol/index.js';
import { UPLOAD_CHUNK_BYTES } from '../src/protocol/index.js';
import { buildFakeCloudflared } from '../test/fake-cloudflared/build.js';
import { HostDriver } from '../test/host-driver.js';
import { memoryOf } from './proc.js';
import { median } from './stats.js';

export const DROP_BYTES = 100 * 1024 * 1024;
const CHUNKS = DROP_BYTES / UPLOAD_CHUNK_BYTES;

export interface UploadFigures {
  hostMs: number;
  cpMs: number;
  /** Peak anonymous KiB while receiving, and the same host idle just before. */
  hostPeakKiB: number | null;
  hostIdleKiB: number | null;
  nodeWritePeakKiB: number | null;
}

/** Samples a process's anonymous memory every few ms until stopped; resolves with the highest seen. */
function peakSampler(pid: number): { stop(): number | null } {
  let peak: number | null = null;
  const sample = () => {
    const memory = memoryOf(pid);
    if (memory !== null && Number.isFinite(memory.anonymousKiB)) peak = Math.max(peak ?? 0, memory.anonymousKiB);
  };
  sample();
  const timer = setInterval(sample, 5);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

async function hostReceives(fake: string, data: string): Promise<{ ms: number; peak: number | null; idle: number | null }> {
  const stateDir = mkdtempSync(join(tmpdir(), 'porthole-bench-upload-'));
  const host = new HostDriver({ fakeCloudflared: fake, stateDir, env: { PORTHOLE_PROBE: 'off' } });
  try {
    await host.request({ type: 'hello' });
    const pid = host.child.pid as number;
    const idle = memoryOf(pid)?.anonymousKiB ?? null;
    const sampler = peakSampler(pid);
    const started = performance.now();
    const begin = (await host.request({ type: 'upload-begin', label: 'bench', totalBytes: DROP_BYTES, fileCount: 1 })) as Extract<
      OkReply,
      { type: 'upload-begin' }
    >;
    for (let i = 0; i < CHUNKS; i++) {
      const reply = await host.request({
        type: 'upload-chunk',
        uploadId: begin.uploadId,
        path: 'big.bin',
        offset: i * UPLOAD_CHUNK_BYTES,
        data,
      });
      if (!('ok' in reply) || !reply.ok) throw new Error(`chunk ${i} refused: ${JSON.stringify(reply)}`);
    }
    const ms = performance.now() - started;
    const peak = sampler.stop();
    await host.request({ type: 'upload-cancel', uploadId: begin.uploadId });
    return { ms, peak, idle };
  } finally {
    await host.dispose();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

function cpMs(source: string, target: string): number {
  rmSync(target, { force: true });
  const started = performance.now();
  const result = spawnSync('cp', [source, target]);
  if (result.status !== 0) throw new Error(`cp failed: ${result.stderr}`);
  return performance.now() - started;
}

/** The same bytes written by a bare Node, 512 KiB at a time: what holding one chunk at a time costs any program. */
async function nodeWritePeak(target: string): Promise<number | null> {
  const script = `
const fs = require('node:fs');
const chunk = require('node:crypto').randomBytes(${UPLOAD_CHUNK_BYTES});
const fd = fs.openSync(process.argv[1], 'w', 0o600);
(async () => {
  for (let i = 0; i < ${CHUNKS}; i++) {
    fs.writeSync(fd, chunk, 0, chunk.length, i * chunk.length);
    await new Promise((r) => setImmediate(r));
  }
  fs.closeSync(fd);
})();`;
  const child = spawn(process.execPath, ['-e', script, target], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('spawn', resolve));
  const sampler = peakSampler(child.pid as number);
  await new Promise((resolve) => child.once('exit', resolve));
  return sampler.stop();
}

export async function uploadBench(fake: string, runs = 3): Promise<UploadFigures> {
  const work = mkdtempSync(join(tmpdir(), 'porthole-bench-drop-'));
  try {
    const source = join(work, 'source.bin');
    writeFileSync(source, randomBytes(DROP_BYTES));
    // One chunk's bytes sent 200 times: what is measured is the host's work, not the bench's encoding.
    const data = randomBytes(UPLOAD_CHUNK_BYTES).toString('base64');
    const host: { ms: number; peak: number | null; idle: number | null }[] = [];
    const cp: number[] = [];
    for (let i = 0; i < runs; i++) {
      host.push(await hostReceives(fake, data));
      cp.push(cpMs(source, join(work, 'copy.bin')));
    }
    const peaks = host.map((run) => run.peak).filter((kib): kib is number => kib !== null);
    const idles = host.map((run) => run.idle).filter((kib): kib is number => kib !== null);
    return {
      hostMs: median(host.map((run) => run.ms)),
      cpMs: median(cp),
      hostPeakKiB: peaks.length > 0 ? Math.max(...peaks) : null,
      hostIdleKiB: idles.length > 0 ? median(idles) : null,
      nodeWritePeakKiB: await nodeWritePeak(join(work, 'node.bin')),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const fake = await buildFakeCloudflared(join(resolve(import.meta.dirname, '../..'), 'dist', 'test', 'fake-cloudflared.mjs'));
  console.log(await uploadBench(fake));
}
