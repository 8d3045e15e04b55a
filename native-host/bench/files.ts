/**
 * Folder shares under load, part of `npm run bench`: the same files served directly by `serve` and
 * `http-server` (what a developer would run instead: `npx serve dist`), by Porthole's static server
 * inside the built host, and through that share's gateway, as visitors get it. Each figure is
 * printed beside the direct servers' from the same run, as ratios.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import type { OkReply } from '../src/protocol/index.js';
import { waitForFakeState } from '../test/fake-cloudflared/state.js';
import { HostDriver } from '../test/host-driver.js';
import { percentile } from './stats.js';

export interface FilesRow {
  case: string;
  server: string;
  rps: number;
  p50: number;
  errors: number;
}

const DIRECT = ['serve 14 (direct)', 'http-server 14 (direct)'] as const;

async function load(url: string, connections: number, seconds: number): Promise<Omit<FilesRow, 'case' | 'server'>> {
  const samples: number[] = [];
  const result = await new Promise<autocannon.Result>((done, fail) => {
    const instance = autocannon({ url, connections, duration: seconds }, (error, finished) => (error ? fail(error) : done(finished)));
    instance.on('response', (_client, _status, _bytes, ms) => samples.push(ms));
  });
  samples.sort((a, b) => a - b);
  return { rps: result.requests.average, p50: percentile(samples, 0.5), errors: result.errors + result.non2xx };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

/** Starts one of the direct servers from node_modules/.bin and waits until it answers. */
async function startDirect(root: string, bin: 'serve' | 'http-server', folder: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const args =
    bin === 'serve'
      ? [folder, '--listen', `tcp://127.0.0.1:${port}`, '--no-clipboard', '--no-request-logging', '--no-port-switching']
      : [folder, '-a', '127.0.0.1', '-p', String(port), '-s', '-d', 'false'];
  // NO_UPDATE_CHECK: serve asks the npm registry for a newer version at start otherwise.
  const child = spawn(join(root, 'node_modules', '.bin', bin), args, {
    stdio: 'ignore',
    env: { ...process.env, NO_UPDATE_CHECK: '1' },
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    const answered = await fetch(`${url}/index.html`).then(
      (response) => response.ok,
      () => false,
    );
    if (answered) return { url, child };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill();
  throw new Error(`${bin} did not answer at ${url} within 10 s`);
}

export async function filesBench(fake: string, root: string, seconds: number): Promise<FilesRow[]> {
  const folder = mkdtempSync(join(tmpdir(), 'porthole-bench-files-'));
  writeFileSync(join(folder, 'index.html'), '<!doctype html><title>small</title><h1>hello from a folder</h1>\n');
  writeFileSync(join(folder, 'video.mp4'), Buffer.alloc(5 * 1024 * 1024, 7));
  const serve = await startDirect(root, 'serve', folder);
  const httpServer = await startDirect(root, 'http-server', folder);
  const host = new HostDriver({ fakeCloudflared: fake, env: { PORTHOLE_PROBE: 'off' } });
  try {
    const reply = await host.request<Extract<OkReply, { type: 'share-folder' }>>({ type: 'share-folder', path: folder });
    if (!reply.ok) throw new Error(`share-folder failed: ${JSON.stringify(reply)}`);
    const url = await host.waitForChange(reply.share.id, 'url');
    const state = await waitForFakeState(host.fakeDir, (s) => s.url === url.share.url);
    const gateway = state.argv[state.argv.indexOf('--url') + 1];
    const targets: Record<string, string> = {
      [DIRECT[0]]: serve.url,
      [DIRECT[1]]: httpServer.url,
      'Porthole static server': reply.share.origin,
      'Porthole share (gateway)': `${gateway}`,
    };
    const cases = [
      { name: 'small page (64 B index.html at /), 10 connections', path: '/', connections: 10 },
      { name: '5 MiB file, 4 connections', path: '/video.mp4', connections: 4 },
    ];
    const rows: FilesRow[] = [];
    for (const c of cases) {
      // Two rounds in alternating order, so that machine noise falls on every server alike; the second counts.
      for (const base of Object.values(targets)) await load(`${base}${c.path}`, c.connections, 1);
      for (const [server, base] of Object.entries(targets).reverse()) {
        rows.push({ case: c.name, server, ...(await load(`${base}${c.path}`, c.connections, seconds)) });
      }
    }
    return rows;
  } finally {
    serve.child.kill();
    httpServer.child.kill();
    await host.dispose();
    rmSync(folder, { recursive: true, force: true });
  }
}

export function printFilesTable(rows: FilesRow[], seconds: number): void {
  console.log(`\nFolder share (${seconds} s of autocannon per row; ratios to the direct servers in the same run)\n`);
  console.log('| case | server | req/s | p50 | ÷ serve | ÷ http-server | errors |\n| --- | --- | --- | --- | --- | --- | --- |');
  for (const name of new Set(rows.map((r) => r.case))) {
    const of = rows.filter((r) => r.case === name);
    const [serve, httpServer] = DIRECT.map((server) => of.find((r) => r.server === server)!);
    for (const r of [...of].reverse()) {
      console.log(
        `| ${name} | ${r.server} | ${Math.round(r.rps).toLocaleString('en')} | ${r.p50.toFixed(2)} ms | ${(r.rps / serve!.rps).toFixed(2)}× | ${(r.rps / httpServer!.rps).toFixed(2)}× | ${r.errors} |`,
      );
    }
  }
}
