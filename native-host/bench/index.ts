/**
 * `npm run bench`: every performance figure, printed beside the baseline it is judged against,
 * both measured in this same run. Needs `npm run build:host` first (npm run bench does it).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { OkReply } from '../src/protocol/index.js';
import { buildFakeCloudflared } from '../test/fake-cloudflared/build.js';
import { HostDriver, startOrigin } from '../test/host-driver.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const root = resolve(import.meta.dirname, '../..');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const ms = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;

/** Baseline: the fake cloudflared alone, from spawn to the line that carries the URL. */
async function fakeAloneToUrl(fake: string, originUrl: string): Promise<number> {
  const started = process.hrtime.bigint();
  const child = spawn(fake, ['tunnel', '--no-autoupdate', '--url', originUrl], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, FAKE_CLOUDFLARED_MODE: 'ok' } });
  const elapsed = await new Promise<number>((resolve, reject) => {
    let seen = '';
    child.stderr.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (/\|\s+https:\/\/\S+\.trycloudflare\.com\s+\|/.test(seen)) resolve(ms(started));
    });
    child.on('exit', () => reject(new Error(`fake exited before printing a URL:\n${seen}`)));
  });
  child.kill('SIGKILL');
  return elapsed;
}

/** The host: from writing the share request to reading the `url` event. */
async function hostShareToUrl(host: HostDriver, originUrl: string): Promise<number> {
  const started = process.hrtime.bigint();
  const reply = (await host.request({ type: 'share', origin: originUrl })) as Extract<OkReply, { type: 'share' }>;
  await host.waitForChange(reply.share.id, 'url');
  const elapsed = ms(started);
  await host.request({ type: 'stop', shareId: reply.share.id });
  return elapsed;
}

function rssKiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match?.[1]) throw new Error(`no RSS for ${pid}`);
  return Number(match[1]);
}

async function idleRss(): Promise<{ host: number; node: number }> {
  const fake = await buildFakeCloudflared(join(root, 'dist', 'test', 'fake-cloudflared.mjs'));
  const host = new HostDriver({ fakeCloudflared: fake });
  await host.request({ type: 'hello' });
  await new Promise((r) => setTimeout(r, 1000));
  const hostRss = rssKiB(host.child.pid!);
  host.kill();
  const idleNode = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 1000));
  const nodeRss = rssKiB(idleNode.pid!);
  idleNode.kill();
  return { host: hostRss, node: nodeRss };
}

function row(name: string, value: string, baselineName: string, baseline: string, ratio: number): string {
  return `| ${name} | ${value} | ${baselineName} | ${baseline} | ${ratio.toFixed(2)}× |`;
}

async function main(): Promise<void> {
  const fake = await buildFakeCloudflared(join(root, 'dist', 'test', 'fake-cloudflared.mjs'));
  const origin = await startOrigin();
  const originUrl = `http://localhost:${origin.port}`;

  const alone: number[] = [];
  const viaHost: number[] = [];
  const host = new HostDriver({ fakeCloudflared: fake, stateDir: mkdtempSync(join(tmpdir(), 'porthole-bench-')) });
  await host.request({ type: 'hello' });
  // Interleaved, so that machine noise hits both series alike.
  for (let i = 0; i < RUNS; i++) {
    alone.push(await fakeAloneToUrl(fake, originUrl));
    viaHost.push(await hostShareToUrl(host, originUrl));
  }
  host.closeStdin();
  await host.exited;
  origin.server.close();

  const rss = await idleRss();
  const hostMs = median(viaHost);
  const aloneMs = median(alone);
  console.log(`Porthole benchmarks (${RUNS} runs each, medians; node ${process.version}, ${process.platform}-${process.arch})\n`);
  console.log('| figure | value | baseline | baseline value | ratio |');
  console.log('| --- | --- | --- | --- | --- |');
  console.log(row('share request → url event (host + fake cloudflared)', `${hostMs.toFixed(1)} ms`, 'fake cloudflared alone, spawn → URL line', `${aloneMs.toFixed(1)} ms`, hostMs / aloneMs));
  console.log(row('host idle RSS', `${(rss.host / 1024).toFixed(1)} MiB`, 'idle `node -e` process', `${(rss.node / 1024).toFixed(1)} MiB`, rss.host / rss.node));
  console.log(`\nhost overhead on share → url: ${(hostMs - aloneMs).toFixed(1)} ms`);
}

await main();
