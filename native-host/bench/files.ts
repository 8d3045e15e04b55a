/**
 * Folder shares under load (`npx tsx native-host/bench/files.ts`, after `npm run build:host`): the same
 * files from sirv alone in its own process (what a plain static server gives), from Porthole's static
 * server inside the built host (sirv behind the path checks), and through that share's gateway, as
 * visitors get it. Prints requests/s and p50 for each, and the ratios to sirv alone.
 */

import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import type { OkReply } from '../src/protocol/index.js';
import { buildFakeCloudflared } from '../test/fake-cloudflared/build.js';
import { waitForFakeState } from '../test/fake-cloudflared/state.js';
import { HostDriver } from '../test/host-driver.js';
import { percentile } from './stats.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

const SIRV_ALONE = `
import('sirv').then(({ default: sirv }) => {
  const serve = sirv(process.argv[1], { dev: true, etag: true });
  require('node:http').createServer(serve).listen(0, '127.0.0.1', function () { process.stdout.write(this.address().port + '\\n'); });
});
`;

async function load(url: string, connections: number): Promise<{ rps: number; p50: number; errors: number }> {
  const samples: number[] = [];
  const result = await new Promise<autocannon.Result>((done, fail) => {
    const instance = autocannon({ url, connections, duration: SECONDS }, (error, finished) => (error ? fail(error) : done(finished)));
    instance.on('response', (_client, _status, _bytes, ms) => samples.push(ms));
  });
  samples.sort((a, b) => a - b);
  return { rps: result.requests.average, p50: percentile(samples, 0.5), errors: result.errors + result.non2xx };
}

async function main(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'porthole-bench-files-'));
  writeFileSync(join(folder, 'index.html'), '<!doctype html><title>small</title><h1>hello from a folder</h1>\n');
  writeFileSync(join(folder, 'video.mp4'), Buffer.alloc(5 * 1024 * 1024, 7));

  const sirvAlone = spawn(process.execPath, ['-e', SIRV_ALONE, folder], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const sirvPort = await new Promise<number>((done) =>
    sirvAlone.stdout.once('data', (chunk: Buffer) => done(Number(chunk.toString().trim()))),
  );

  const fake = await buildFakeCloudflared(join(ROOT, 'dist', 'test', 'fake-cloudflared.mjs'));
  const host = new HostDriver({ fakeCloudflared: fake, env: { PORTHOLE_PROBE: 'off' } });
  try {
    const reply = await host.request<Extract<OkReply, { type: 'share-folder' }>>({ type: 'share-folder', path: folder });
    if (!reply.ok) throw new Error(JSON.stringify(reply));
    const url = await host.waitForChange(reply.share.id, 'url');
    const state = await waitForFakeState(host.fakeDir, (s) => s.url === url.share.url);
    const gateway = state.argv[state.argv.indexOf('--url') + 1];
    const targets = {
      'sirv alone': `http://127.0.0.1:${sirvPort}`,
      'Porthole static server': reply.share.origin,
      'Porthole share (gateway)': gateway,
    };
    const cases = [
      { name: 'small file (64 B), 10 connections', path: '/index.html', connections: 10 },
      { name: '5 MiB file, 4 connections', path: '/video.mp4', connections: 4 },
    ];
    console.log(`| case | server | req/s | p50 | req/s vs sirv alone | errors |\n| --- | --- | --- | --- | --- | --- |`);
    for (const c of cases) {
      const results: Record<string, Awaited<ReturnType<typeof load>>> = {};
      for (const base of Object.values(targets)) await load(`${base}${c.path}`, c.connections); // warm-up
      for (const [name, base] of Object.entries(targets)) results[name] = await load(`${base}${c.path}`, c.connections);
      const baseline = results['sirv alone']!.rps;
      for (const [name, r] of Object.entries(results)) {
        console.log(
          `| ${c.name} | ${name} | ${Math.round(r.rps).toLocaleString('en')} | ${r.p50.toFixed(2)} ms | ${(r.rps / baseline).toFixed(2)}× | ${r.errors} |`,
        );
      }
    }
  } finally {
    sirvAlone.kill();
    await host.dispose();
  }
}

await main();
