/**
 * The gateway under load: the same requests direct to the origin, through a share's gateway (inside
 * the built host, as visitors get it), and through nginx where it is installed, interleaved.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import type { OkReply } from '../src/protocol/index.js';
import { waitForFakeState } from '../test/fake-cloudflared/state.js';
import { HostDriver } from '../test/host-driver.js';
import { type Nginx, nginxVersion, startNginx } from './nginx.js';
import { cpuMs } from './proc.js';
import { percentile } from './stats.js';

/**
 * The stand-in dev server: a trivial Node server in its own process, so that it never shares an
 * event loop with autocannon. `/small` is a 29-byte page, `/1mb` one MiB.
 */
const TRIVIAL_ORIGIN = `
const http = require('node:http');
const big = Buffer.alloc(1024 * 1024, 120);
const small = Buffer.from('<h1>hello from localhost</h1>');
http.createServer((req, res) => {
  const body = req.url === '/1mb' ? big : small;
  res.writeHead(200, { 'content-type': 'text/html', 'content-length': body.length });
  res.end(body);
}).listen(0, '127.0.0.1', function () { process.stdout.write(this.address().port + '\\n'); });
`;

/** A real Vite dev server serving one module of application code, in its own process. */
const VITE_ORIGIN = `
const { mkdtempSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { tmpdir } = require('node:os');
(async () => {
  const { createServer } = await import(process.argv[1]);
  const root = mkdtempSync(join(tmpdir(), 'porthole-bench-vite-'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><div id="app"></div><script type="module" src="/main.js"></script>');
  writeFileSync(join(root, 'main.js'), Array.from({ length: 200 }, (_, i) => 'export const value' + i + ' = ' + i + ' * 2; // a line of application code\\n').join(''));
  const server = await createServer({ root, configFile: false, logLevel: 'silent', server: { host: '127.0.0.1', port: 0 }, optimizeDeps: { noDiscovery: true, include: [] } });
  await server.listen();
  process.stdout.write(server.httpServer.address().port + '\\n');
})();
`;

export function startProcessOrigin(script: string, args: string[] = []): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['-e', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout?.once('data', (chunk: Buffer) => resolve({ child, port: Number(chunk.toString().trim()) }));
    child.once('exit', (code) => reject(new Error(`origin exited with ${code}`)));
  });
}

interface Load {
  rps: number;
  /** Every response time, in ms: autocannon's own percentiles are whole milliseconds. */
  samples: number[];
  errors: number;
}

async function load(url: string, connections: number, seconds: number): Promise<Load> {
  const samples: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url, connections, duration: seconds, pipelining: 1 }, (error, done) =>
      error ? reject(error) : resolve(done),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => samples.push(responseTime));
  });
  return { rps: result.requests.average, samples, errors: result.errors + result.non2xx };
}

type TargetName = 'direct' | 'gateway' | 'nginx';

interface Target {
  url: string;
  /** The relay's process, whose CPU per request is reported (none for direct). */
  pid?: number;
  /** nginx's work happens in its worker, a child of the process we started. */
  tree?: boolean;
}

interface LoadCase {
  name: string;
  connections: number;
  targets: Partial<Record<TargetName, Target>> & { direct: Target; gateway: Target };
}

export interface Figures {
  rps: number;
  p50: number;
  p99: number;
  /** CPU time of the relay per request relayed, in µs; null for direct or off Linux. */
  cpuUs: number | null;
  /** Failed requests and non-2xx answers. */
  errors: number;
}

export interface LoadRow {
  name: string;
  results: Partial<Record<TargetName, Figures>> & { direct: Figures; gateway: Figures };
}

/** Every target in turn, twice, after a warm-up of each: noise hits them alike. */
async function measure(loadCase: LoadCase, seconds: number): Promise<LoadRow> {
  const names = (Object.keys(loadCase.targets) as TargetName[]).filter((name) => loadCase.targets[name] !== undefined);
  for (const name of names) await load(`${loadCase.targets[name]?.url}`, loadCase.connections, 1);
  const runs = new Map<TargetName, { loads: Load[]; cpu: number | null }>(names.map((name) => [name, { loads: [], cpu: 0 }]));
  for (let round = 0; round < 2; round++) {
    for (const name of names) {
      const target = loadCase.targets[name] as Target;
      const run = runs.get(name) as { loads: Load[]; cpu: number | null };
      const before = target.pid === undefined ? null : cpuMs(target.pid, { tree: target.tree });
      run.loads.push(await load(target.url, loadCase.connections, seconds));
      const after = target.pid === undefined ? null : cpuMs(target.pid, { tree: target.tree });
      run.cpu = before === null || after === null || run.cpu === null ? null : run.cpu + (after - before);
    }
  }
  const results: Partial<Record<TargetName, Figures>> = {};
  for (const [name, { loads, cpu }] of runs) {
    const samples = loads.flatMap((l) => l.samples).sort((a, b) => a - b);
    results[name] = {
      errors: loads.reduce((sum, l) => sum + l.errors, 0),
      rps: loads.reduce((sum, l) => sum + l.rps, 0) / loads.length,
      p50: percentile(samples, 0.5),
      p99: percentile(samples, 0.99),
      cpuUs: cpu === null || samples.length === 0 ? null : (cpu * 1000) / samples.length,
    };
  }
  return { name: loadCase.name, results: results as LoadRow['results'] };
}

/** The gateway's address, as the host gave it to cloudflared. */
async function gatewayOf(host: HostDriver, originUrl: string): Promise<string> {
  const reply = await host.request<Extract<OkReply, { type: 'share' }>>({ type: 'share', origin: originUrl });
  const url = await host.waitForChange(reply.share.id, 'url');
  const fake = await waitForFakeState(host.fakeDir, (s) => s.url === url.share.url);
  const gateway = fake.argv[fake.argv.indexOf('--url') + 1];
  if (gateway === undefined) throw new Error('no --url in the fake cloudflared argv');
  return gateway;
}

export async function gatewayBench(fake: string, root: string, seconds: number): Promise<LoadRow[]> {
  const trivial = await startProcessOrigin(TRIVIAL_ORIGIN);
  const vite = await startProcessOrigin(VITE_ORIGIN, [join(root, 'node_modules', 'vite', 'dist', 'node', 'index.js')]);
  // The gateway runs where it runs for real: inside the built host. No probe: nothing is public here.
  const host = new HostDriver({
    fakeCloudflared: fake,
    stateDir: mkdtempSync(join(tmpdir(), 'porthole-bench-')),
    env: { PORTHOLE_PROBE: 'off' },
  });
  let nginx: Nginx | null = null;
  try {
    nginx = await startNginx(trivial.port);
    const trivialGateway = await gatewayOf(host, `http://localhost:${trivial.port}`);
    const viteGateway = await gatewayOf(host, `http://localhost:${vite.port}`);
    const hostPid = host.child.pid;
    const direct = `http://127.0.0.1:${trivial.port}`;
    const trivialTargets = (path: string): LoadCase['targets'] => ({
      direct: { url: `${direct}${path}` },
      gateway: { url: `${trivialGateway}${path}`, pid: hostPid },
      ...(nginx === null ? {} : { nginx: { url: `${nginx.url}${path}`, pid: nginx.pid, tree: true } }),
    });
    const cases: LoadCase[] = [
      { name: 'small page (29 B), 10 connections', connections: 10, targets: trivialTargets('/small') },
      { name: '1 MiB response, 4 connections', connections: 4, targets: trivialTargets('/1mb') },
      { name: 'small page, 1 connection (latency unloaded)', connections: 1, targets: trivialTargets('/small') },
      {
        name: 'Vite dev server, /main.js (13 KB), 4 connections',
        connections: 4,
        targets: { direct: { url: `http://127.0.0.1:${vite.port}/main.js` }, gateway: { url: `${viteGateway}/main.js`, pid: hostPid } },
      },
    ];
    const rows: LoadRow[] = [];
    for (const loadCase of cases) rows.push(await measure(loadCase, seconds));
    return rows;
  } finally {
    await nginx?.stop();
    host.closeStdin();
    await host.exited;
    trivial.child.kill();
    vite.child.kill();
  }
}

export function printGatewayTable(rows: LoadRow[], seconds: number): void {
  const n = (value: number) => Math.round(value).toLocaleString('en-US');
  const t = (value: number) => `${value.toFixed(2)} ms`;
  const cpu = (figures: Figures | undefined) => (figures?.cpuUs == null ? 'n/a' : `${Math.round(figures.cpuUs)} µs`);
  const x = (value: number | undefined, baseline: number | undefined) =>
    value === undefined || baseline === undefined ? 'n/a' : `${(value / baseline).toFixed(2)}×`;
  const version = nginxVersion();
  console.log(
    `\nGateway: direct to the origin, through the gateway, and through nginx ${version ?? '(not installed: no anchor)'} — autocannon, ${seconds} s × 2 interleaved per target, after 1 s warm-up each\n`,
  );
  console.log(
    '| case | direct req/s | gateway req/s | nginx req/s | gateway ÷ direct | **gateway ÷ nginx** | direct p50 | gateway p50 | nginx p50 | p50 gateway ÷ nginx | gateway p99 | nginx p99 | CPU/request gateway | CPU/request nginx |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const { name, results } of rows) {
    const { direct, gateway, nginx } = results;
    const errors = Object.entries(results)
      .filter(([, figures]) => figures.errors > 0)
      .map(([target, figures]) => `${figures.errors} ${target} errors`);
    console.log(
      `| ${name}${errors.length > 0 ? ` (${errors.join(', ')})` : ''} | ${n(direct.rps)} | ${n(gateway.rps)} | ${nginx ? n(nginx.rps) : 'n/a'} | ${x(gateway.rps, direct.rps)} | **${x(gateway.rps, nginx?.rps)}** | ${t(direct.p50)} | ${t(gateway.p50)} | ${nginx ? t(nginx.p50) : 'n/a'} | ${x(gateway.p50, nginx?.p50)} | ${t(gateway.p99)} | ${nginx ? t(nginx.p99) : 'n/a'} | ${cpu(gateway)} | ${cpu(nginx)} |`,
    );
  }
}
