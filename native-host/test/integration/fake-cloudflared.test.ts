/**
 * The fake cloudflared itself: does it print what the real one printed (the captures in
 * fixtures/cloudflared), and does its stand-in edge really carry traffic to a local origin?
 * Real processes and real local servers only.
 */

import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingHttpHeaders, IncomingMessage, RequestListener, Server } from 'node:http';
import { createServer, request } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, inject, test } from 'vitest';
import type { FakeCloudflaredState } from '../fake-cloudflared/state';
import { fetchThroughEdge, splitHostPort, waitForFakeState } from '../fake-cloudflared/state';

const fakeCloudflared = inject('fakeCloudflared');
const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'cloudflared');

function fixtureLines(name: string): string[] {
  return readFileSync(join(fixtures, name), 'utf8')
    .split('\n')
    .filter((line) => line !== '');
}

// ---------------------------------------------------------------------------------------------
// Processes and servers, all cleaned up at the end.

interface FakeRun {
  child: ChildProcessWithoutNullStreams;
  stateDir: string;
  stdout(): string;
  stderrLines(): string[];
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; afterMs: number }>;
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

const runs: FakeRun[] = [];
const servers: Server[] = [];

afterAll(async () => {
  for (const run of runs) {
    if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
    await run.exit;
    rmSync(run.stateDir, { recursive: true, force: true });
  }
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
});

function runFake(args: string[], env: Record<string, string> = {}): FakeRun {
  const stateDir = mkdtempSync(join(tmpdir(), 'fake-cloudflared-'));
  const started = Date.now();
  const child = spawn(fakeCloudflared, args, { env: { ...process.env, FAKE_CLOUDFLARED_STATE_DIR: stateDir, ...env } });
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const waiter of waiters) waiter();
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; afterMs: number }>((resolve) =>
    // 'close', not 'exit': only then has all of stdout and stderr been read.
    child.on('close', (code, signal) => resolve({ code, signal, afterMs: Date.now() - started })),
  );
  const run: FakeRun = {
    child,
    stateDir,
    stdout: () => stdout,
    stderrLines: () => stderr.split('\n').filter((line) => line !== ''),
    exit,
    waitForStderr: (pattern, timeoutMs = 5_000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (!pattern.test(stderr)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`stderr never matched ${pattern}:\n${stderr}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
  };
  runs.push(run);
  return run;
}

/** The fake's state once its edge is up and, if asked, its connection registered. */
function fakeState(run: FakeRun, registered = true): Promise<FakeCloudflaredState> {
  return waitForFakeState(run.stateDir, (state) => state.pid === run.child.pid && state.edge !== null && (state.registered || !registered));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function listenOn(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A port nothing listens on: listened on once, then closed. */
async function deadPort(): Promise<number> {
  const server = createServer();
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function getJson(address: string, path: string): Promise<{ status: number; json: unknown }> {
  return fetch(`http://${address}${path}`).then(async (res) => ({ status: res.status, json: await res.json() }));
}

// ---------------------------------------------------------------------------------------------
// Comparing output with the captures.

/** What legitimately differs between two runs: times, the random URL, uuids, ports, and the flags. */
function mask(lines: readonly string[]): string[] {
  return lines.map((line) =>
    line
      .replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ /, '<TS> ')
      .replace(/Settings: map\[.*\]$/, 'Settings: <MAP>')
      .replace(/\|  https:\/\/[a-z0-9-]+\.trycloudflare\.com +\|$/, '|  <URL>  |')
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<UUID>')
      .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<PORT>'),
  );
}

/** Masking hides the URL row's padding, so check it apart: every row of the box is as wide as its border. */
function expectAlignedBox(lines: readonly string[]): void {
  const rows = lines.filter((line) => / INF [+|]/.test(line));
  expect(rows).toHaveLength(4);
  expect(new Set(rows.map((row) => row.length)).size).toBe(1);
}

function linesBeforeEdgeDiscovery(lines: readonly string[]): string[] {
  return lines.slice(
    0,
    lines.findIndex((line) => line.includes('ERR edge discovery')),
  );
}

/**
 * ok mode is ok.stderr.log as it would read with internet: up to the first edge-discovery error,
 * without the two lines that only report failed DNS lookups (`ERR update check failed`, `WRN Unable
 * to lookup protocol percentage.`). The ICMP lines stay: they describe the machine, not the network.
 * Then the metrics line, where the capture has it, and the registration line in the format the
 * fixtures' README reads off cloudflared's source.
 */
function expectedOkLines(): string[] {
  const ok = fixtureLines('ok.stderr.log');
  const online = linesBeforeEdgeDiscovery(ok).filter(
    (line) => !/ERR update check failed|WRN Unable to lookup protocol percentage/.test(line),
  );
  const metrics = ok.find((line) => line.includes('INF Starting metrics server on'));
  const readme = readFileSync(join(fixtures, 'README.md'), 'utf8');
  const registered = /`(INF Registered tunnel connection [^`]*)`/.exec(readme)?.[1];
  if (metrics === undefined || registered === undefined) throw new Error('fixtures changed shape');
  const registeredLine = `2026-11-25T02:48:30Z ${registered.replace('<edge ip>', '198.41.200.13').replace('<code>', 'lhr01').replace('<uuid>', '00000000-0000-0000-0000-000000000000')}`;
  return [...online, metrics, registeredLine];
}

const URL_FLAGS = ['tunnel', '--url', 'http://localhost:8080', '--no-autoupdate'];

describe('output, against the captures', () => {
  test.concurrent.each([
    ['offline', 'offline.stderr.log'],
    ['rate429', 'rate429.stderr.log'],
    ['err500', 'err500.stderr.log'],
    ['badjson', 'badjson.stderr.log'],
    ['edge-unreachable', 'ok.stderr.log'],
    ['config-yml', 'config-yml.stderr.log'],
  ])('%s prints %s and exits 1', async (mode, fixture) => {
    const run = runFake(URL_FLAGS, { FAKE_CLOUDFLARED_MODE: mode });
    const { code } = await run.exit;
    expect(code).toBe(1);
    expect(run.stdout()).toBe('');
    expect(mask(run.stderrLines())).toEqual(mask(fixtureLines(fixture)));
    if (mode === 'edge-unreachable' || mode === 'config-yml') expectAlignedBox(run.stderrLines());
    expect(existsSync(join(run.stateDir, `${run.child.pid}.json`))).toBe(false);
  });

  test.concurrent('edge-unreachable takes about as long as the capture (0.7 s) to give up', async () => {
    const run = runFake(URL_FLAGS, { FAKE_CLOUDFLARED_MODE: 'edge-unreachable' });
    const { afterMs } = await run.exit;
    expect(afterMs).toBeGreaterThanOrEqual(650);
    expect(afterMs).toBeLessThan(3_000);
  });

  test.concurrent('rate429-new prints the 2024+ wording and exits 1', async () => {
    const run = runFake(URL_FLAGS, { FAKE_CLOUDFLARED_MODE: 'rate429-new' });
    expect((await run.exit).code).toBe(1);
    const [thanks, requesting, fatal] = fixtureLines('rate429.stderr.log');
    expect(mask(run.stderrLines())).toEqual(
      mask([
        thanks ?? '',
        requesting ?? '',
        `2026-11-25T02:48:31Z ERR Error unmarshaling QuickTunnel response: error code: 1015 error="invalid character 'e' looking for beginning of value" status_code="429 Too Many Requests"`,
        fatal ?? '',
      ]),
    );
  });

  test.concurrent('edge-retry prints edge-retry.stderr.log, keeps running, and exits 0 on SIGTERM', async () => {
    const run = runFake([...URL_FLAGS, '--metrics', '127.0.0.1:0'], { FAKE_CLOUDFLARED_MODE: 'edge-retry' });
    await run.waitForStderr(/Starting metrics server/);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(run.child.exitCode).toBeNull();
    run.child.kill('SIGTERM');
    expect((await run.exit).code).toBe(0);
    expect(mask(run.stderrLines())).toEqual(mask(fixtureLines('edge-retry.stderr.log')));
    expectAlignedBox(run.stderrLines());
  });

  test.concurrent('ok prints ok.stderr.log as it would read online, then registers', async () => {
    const run = runFake(URL_FLAGS);
    await run.waitForStderr(/Registered tunnel connection/);
    expect(mask(run.stderrLines())).toEqual(mask(expectedOkLines()));
    expectAlignedBox(run.stderrLines());
    run.child.kill('SIGTERM');
    expect((await run.exit).code).toBe(0);
    expect(run.stdout()).toBe('');
  });

  test.concurrent('the Settings line is the capture’s, for the same flags', async () => {
    const run = runFake(URL_FLAGS);
    await run.waitForStderr(/Registered tunnel connection/);
    run.child.kill('SIGKILL');
    const settings = (lines: string[]): string | undefined => lines.find((line) => line.includes('Settings:'))?.replace(/^\S+ /, '');
    // The capture's run also passed the hidden --quick-service flag that pointed at its stand-in API.
    expect(settings(run.stderrLines())).toBe(settings(fixtureLines('ok.stderr.log'))?.replace(/ quick-service:\S+/, ''));
  });

  test.concurrent('the Settings line reflects the flags, in both spellings, as Go prints them', async () => {
    const run = runFake([
      'tunnel',
      '--url=http://localhost:8080',
      '-no-autoupdate',
      '--protocol',
      'http2',
      '--grace-period=30000ms',
      '--metrics-update-freq',
      '1m30s',
      '--http-host-header',
      'localhost:8080',
      '--no-tls-verify=false',
    ]);
    await run.waitForStderr(/Registered tunnel connection/);
    run.child.kill('SIGKILL');
    const lines = run.stderrLines().map((line) => line.replace(/^\S+ /, ''));
    expect(lines).toContain(
      'INF Settings: map[grace-period:30s ha-connections:1 http-host-header:localhost:8080 metrics-update-freq:1m30s no-autoupdate:true no-tls-verify:false protocol:http2 url:http://localhost:8080]',
    );
    expect(lines).toContain('INF Initial protocol http2');
    expect(lines.at(-1)).toMatch(/^INF Registered tunnel connection .* protocol=http2$/);
  });

  test.concurrent('a URL longer than the header widens the box, as AsciiBox pads to the longest row', async () => {
    const hostname = `${'long-'.repeat(16)}name.trycloudflare.com`;
    const run = runFake(URL_FLAGS, { FAKE_CLOUDFLARED_HOSTNAME: hostname });
    await run.waitForStderr(/Registered tunnel connection/);
    run.child.kill('SIGKILL');
    const box = run
      .stderrLines()
      .filter((line) => / INF [+|]/.test(line))
      .map((line) => line.replace(/^\S+ INF /, ''));
    const url = `https://${hostname}`;
    expect(box).toEqual([
      `+${'-'.repeat(url.length + 4)}+`,
      `|  Your quick Tunnel has been created! Visit it at (it may take some time to be reachable):${' '.repeat(url.length - 88)}  |`,
      `|  ${url}  |`,
      `+${'-'.repeat(url.length + 4)}+`,
    ]);
  });

  test.concurrent('--loglevel warn hides INF lines, the URL box among them', async () => {
    const run = runFake([...URL_FLAGS, '--loglevel', 'warn'], { FAKE_CLOUDFLARED_MODE: 'edge-unreachable' });
    expect((await run.exit).code).toBe(1);
    expect(run.stderrLines().some((line) => / INF /.test(line))).toBe(false);
    expect(run.stderrLines().filter((line) => / WRN /.test(line))).toHaveLength(3);
  });

  test.concurrent('--version and version print version.txt to stdout', async () => {
    for (const args of [['--version'], ['version']]) {
      const run = runFake(args);
      expect((await run.exit).code).toBe(0);
      expect(run.stdout()).toBe(readFileSync(join(fixtures, 'version.txt'), 'utf8'));
      expect(run.stderrLines()).toEqual([]);
    }
  });

  test.concurrent('an unknown flag, or a flag without its value, is refused as urfave/cli refuses it', async () => {
    for (const [args, message] of [
      [['tunnel', '--url', 'http://localhost:8080', '--bogus', 'x'], 'Incorrect Usage: flag provided but not defined: -bogus'],
      [['tunnel', '--url'], 'Incorrect Usage: flag needs an argument: -url'],
      [
        ['tunnel', '--url', 'http://localhost:8080', '--grace-period', 'soon'],
        'Incorrect Usage: invalid value "soon" for flag -grace-period: parse error',
      ],
    ] as const) {
      const run = runFake([...args]);
      expect((await run.exit).code).toBe(1);
      expect(run.stderrLines()).toEqual([message]);
      expect(run.stdout()).toBe('');
    }
  });

  test.concurrent('a --config file that does not exist fails before anything is logged', async () => {
    const run = runFake([...URL_FLAGS, '--config', '/nonexistent/config.yml']);
    expect((await run.exit).code).toBe(1);
    expect(run.stderrLines()).toEqual(['open /nonexistent/config.yml: no such file or directory']);
  });

  test.concurrent('hang says it is requesting a tunnel, then nothing, until a signal kills it', async () => {
    const run = runFake(URL_FLAGS, { FAKE_CLOUDFLARED_MODE: 'hang' });
    // Waits for the start, however loaded the machine, then for the nothing that follows.
    await run.waitForStderr(/Requesting new quick Tunnel/, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(mask(run.stderrLines())).toEqual(mask(fixtureLines('offline.stderr.log').slice(0, 2)));
    run.child.kill('SIGTERM');
    expect((await run.exit).signal).toBe('SIGTERM');
  });

  test.concurrent('die-after-live registers, then exits 1 on its own', async () => {
    const run = runFake(URL_FLAGS, { FAKE_CLOUDFLARED_MODE: 'die-after-live', FAKE_CLOUDFLARED_DIE_AFTER_MS: '100' });
    expect((await run.exit).code).toBe(1);
    const lines = mask(run.stderrLines());
    const registeredAt = lines.findIndex((line) => line.includes('INF Registered tunnel connection'));
    expect(registeredAt).toBeGreaterThan(0);
    expect(lines.slice(registeredAt + 1)).toEqual([
      '<TS> ERR Connection terminated error="timeout: no recent network activity" connIndex=0',
      '<TS> INF Tunnel server stopped',
      '<TS> ERR Initiating shutdown error="timeout: no recent network activity"',
      '<TS> INF Metrics server stopped',
      'timeout: no recent network activity',
    ]);
    expect(existsSync(join(run.stateDir, `${run.child.pid}.json`))).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// Traffic through the stand-in edge.

interface SeenRequest {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
}

const PAGE = '<!doctype html><title>héllo</title><p>ünïcödé ✓</p>\n';

/** The local page being shared: a page, a streaming echo, a slow page and a WebSocket-ish echo. */
async function startOrigin(): Promise<{ url: string; seen: SeenRequest[] }> {
  const seen: SeenRequest[] = [];
  const handler: RequestListener = (req, res) => {
    seen.push({ method: req.method, url: req.url, headers: req.headers });
    if (req.url === '/echo') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      req.on('data', (chunk: Buffer) => res.write(`echo:${chunk.toString()};`));
      req.on('end', () => res.end('done'));
    } else if (req.url === '/slow') {
      setTimeout(() => res.end('slow but complete'), 400);
    } else {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'X-Origin': 'yes' }).end(PAGE);
    }
  };
  const server = createServer(handler);
  server.on('upgrade', (req: IncomingMessage, socket: Socket) => {
    seen.push({ method: req.method, url: req.url, headers: req.headers });
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    socket.pipe(socket);
  });
  return { url: `http://localhost:${await listenOn(server)}`, seen };
}

function edgeRequest(state: FakeCloudflaredState, path: string, method = 'GET'): ReturnType<typeof request> {
  const [host, port] = splitHostPort(state.edge ?? '');
  return request({ host, port, path, method, headers: { host: state.hostname ?? '' }, agent: false });
}

describe('traffic through the edge (ok mode)', () => {
  test('a page comes back byte for byte, with the Host and forwarding headers cloudflared sets', async () => {
    const origin = await startOrigin();
    const state = await fakeState(runFake(['tunnel', '--url', origin.url]));
    const res = await fetchThroughEdge(state, '/page?q=1&r=two', { headers: { 'X-Visitor': 'v' } });
    expect(res.status).toBe(200);
    expect(res.body).toBe(PAGE);
    expect(res.headers['x-origin']).toBe('yes');
    expect(origin.seen.at(-1)).toMatchObject({
      method: 'GET',
      url: '/page?q=1&r=two',
      headers: {
        host: state.hostname,
        'x-visitor': 'v',
        'x-forwarded-for': '127.0.0.1',
        'x-forwarded-proto': 'https',
        'cf-connecting-ip': '127.0.0.1',
      },
    });
  });

  test('request and response bodies stream through without being buffered whole', async () => {
    const origin = await startOrigin();
    const state = await fakeState(runFake(['tunnel', '--url', origin.url]));
    // The second chunk is sent only once the origin's echo of the first has come back: a fake that
    // waited for either whole body would deadlock here.
    const body = await new Promise<string>((resolve, reject) => {
      const req = edgeRequest(state, '/echo', 'POST');
      req.on('response', (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          if (text === 'echo:one;') req.end('two');
        });
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.write('one');
    });
    expect(body).toBe('echo:one;echo:two;done');
    expect(origin.seen.at(-1)?.method).toBe('POST');
  });

  test('a WebSocket upgrade is relayed, and bytes flow both ways', async () => {
    const origin = await startOrigin();
    const state = await fakeState(runFake(['tunnel', '--url', origin.url]));
    const req = edgeRequest(state, '/socket');
    req.setHeader('Connection', 'Upgrade');
    req.setHeader('Upgrade', 'websocket');
    const [res, socket] = await new Promise<[IncomingMessage, Socket]>((resolve, reject) => {
      req.on('upgrade', (response: IncomingMessage, upgraded: Socket) => resolve([response, upgraded]));
      req.on('error', reject);
      req.end();
    });
    expect(res.statusCode).toBe(101);
    socket.write('ping');
    const echoed = await new Promise<string>((resolve) => socket.once('data', (chunk: Buffer) => resolve(chunk.toString())));
    socket.destroy();
    expect(echoed).toBe('ping');
    expect(origin.seen.at(-1)).toMatchObject({ url: '/socket', headers: { host: state.hostname, upgrade: 'websocket' } });
  });

  test('--http-host-header changes the Host the origin sees', async () => {
    const origin = await startOrigin();
    const state = await fakeState(runFake(['tunnel', '--url', origin.url, '--http-host-header', 'dev.internal:3000']));
    expect((await fetchThroughEdge(state, '/')).status).toBe(200);
    expect(origin.seen.at(-1)?.headers.host).toBe('dev.internal:3000');
  });

  test('a request for another host gets 404; an origin that is down gets 502', async () => {
    const state = await fakeState(runFake(['tunnel', '--url', `http://127.0.0.1:${await deadPort()}`]));
    const wrongHost = await fetchThroughEdge(state, '/', { headers: { host: 'someone-else.trycloudflare.com' } });
    expect(wrongHost).toMatchObject({ status: 404, body: 'no tunnel for this host\n' });
    const down = await fetchThroughEdge(state, '/', { method: 'POST', body: 'x'.repeat(100_000) });
    expect(down.status).toBe(502);
    expect(down.body).toContain('Bad gateway');
  });

  test('/ready answers 503 until the connection registers, 200 after; the edge answers 530 meanwhile', async () => {
    const origin = await startOrigin();
    const run = runFake(['tunnel', '--url', origin.url], { FAKE_CLOUDFLARED_REGISTER_DELAY_MS: '500' });
    const early = await fakeState(run, false);
    await run.waitForStderr(/Generated Connector ID/);
    const connectorId = /Generated Connector ID: (\S+)/.exec(run.stderrLines().join('\n'))?.[1];
    expect(await getJson(early.metrics ?? '', '/ready')).toEqual({ status: 503, json: { status: 503, readyConnections: 0, connectorId } });
    expect((await fetchThroughEdge(early, '/')).status).toBe(530);
    const live = await fakeState(run);
    expect(await getJson(live.metrics ?? '', '/ready')).toEqual({ status: 200, json: { status: 200, readyConnections: 1, connectorId } });
    expect(await getJson(live.metrics ?? '', '/quicktunnel')).toEqual({ status: 200, json: { hostname: live.hostname } });
    expect(live.url).toBe(`https://${live.hostname}`);
    expect(live.hostname).toMatch(/^[a-z]+-[a-z]+-[a-z]+-[a-z]+\.trycloudflare\.com$/);
  });

  test('https origins: --no-tls-verify accepts a self-signed certificate; without it, 502', async () => {
    let sni: string | undefined;
    const server = createHttpsServer({ key: SELF_SIGNED_KEY, cert: SELF_SIGNED_CERT }, (req, res) => {
      sni = (req.socket as TLSSocket).servername || undefined;
      res.end('over tls');
    });
    const originUrl = `https://localhost:${await listenOn(server)}`;
    const trusting = await fakeState(runFake(['tunnel', '--url', originUrl, '--no-tls-verify']));
    expect(await fetchThroughEdge(trusting, '/')).toMatchObject({ status: 200, body: 'over tls' });
    expect(sni).toBe('localhost');
    const verifying = await fakeState(runFake(['tunnel', '--url', originUrl]));
    expect((await fetchThroughEdge(verifying, '/')).status).toBe(502);
  });
});

// ---------------------------------------------------------------------------------------------
// Shutting down.

describe('signals', () => {
  test('SIGTERM ends an idle tunnel at once: exit 0 within 1 s, state file removed', async () => {
    const run = runFake(URL_FLAGS);
    const state = await fakeState(run);
    const signalled = Date.now();
    run.child.kill('SIGTERM');
    const { code } = await run.exit;
    expect(code).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(1_000);
    expect(existsSync(join(run.stateDir, `${state.pid}.json`))).toBe(false);
    expect(mask(run.stderrLines().slice(-4))).toEqual([
      '<TS> INF Initiating graceful shutdown due to signal terminated ...',
      '<TS> INF Unregistered tunnel connection connIndex=0 event=0 ip=198.41.200.13',
      '<TS> INF Tunnel server stopped',
      '<TS> INF Metrics server stopped',
    ]);
  });

  test('SIGINT says "interrupt"; a request in flight completes, new ones are refused, then exit 0', async () => {
    const origin = await startOrigin();
    const run = runFake(['tunnel', '--url', origin.url]);
    const state = await fakeState(run);
    const slow = fetchThroughEdge(state, '/slow');
    await waitUntil(() => origin.seen.some((seen) => seen.url === '/slow'));
    run.child.kill('SIGINT');
    await run.waitForStderr(/Initiating graceful shutdown due to signal interrupt \.\.\./);
    expect((await fetchThroughEdge(state, '/')).status).toBe(530);
    expect(await slow).toMatchObject({ status: 200, body: 'slow but complete' });
    expect((await run.exit).code).toBe(0);
  });

  test('stubborn waits out its grace period after SIGTERM; a second SIGTERM kills it at once', async () => {
    const run = runFake(URL_FLAGS, { FAKE_CLOUDFLARED_MODE: 'stubborn' });
    const state = await fakeState(run);
    run.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(isAlive(state.pid)).toBe(true);
    run.child.kill('SIGTERM');
    expect((await run.exit).signal).toBe('SIGTERM');
    // Not a clean exit: the state file stays behind, and liveness is the test of life.
    expect(existsSync(join(run.stateDir, `${state.pid}.json`))).toBe(true);
    expect(isAlive(state.pid)).toBe(false);
  });

  test('--grace-period bounds the wait for requests in flight', async () => {
    const origin = await startOrigin();
    const run = runFake(['tunnel', '--url', origin.url, '--grace-period', '100ms']);
    const state = await fakeState(run);
    const slow = fetchThroughEdge(state, '/slow').catch((error: Error) => error);
    await waitUntil(() => origin.seen.some((seen) => seen.url === '/slow'));
    run.child.kill('SIGTERM');
    expect((await run.exit).code).toBe(0);
    expect(await slow).toBeInstanceOf(Error);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition never held');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A self-signed certificate for localhost and 127.0.0.1, valid until 2126; only tests trust it, or not. */
const SELF_SIGNED_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgGO7fte1iBT8IywbW
9YAk+4eCUIMI/kYCnIoLGNYCJpGhRANCAARwmTPqIP0RP37VVJxr3hVT38y5ot1d
NVIzEXPhLSXqRqDfK5zlZnzYu6eyYIp8J27Pu6gC6e3HQ6Z8VoJ1gefx
-----END PRIVATE KEY-----
`;
const SELF_SIGNED_CERT = `-----BEGIN CERTIFICATE-----
MIIBmzCCAUGgAwIBAgIUe2ruK9PfiIqiSiYMIXeoZsNIwm8wCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyNTE0NTYyMloYDzIxMjYxMTAx
MTQ1NjIyWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAARwmTPqIP0RP37VVJxr3hVT38y5ot1dNVIzEXPhLSXqRqDfK5zlZnzY
u6eyYIp8J27Pu6gC6e3HQ6Z8VoJ1gefxo28wbTAdBgNVHQ4EFgQU52fvVyOr2VBb
tDk/JxP8FI6nvCkwHwYDVR0jBBgwFoAU52fvVyOr2VBbtDk/JxP8FI6nvCkwDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwCgYIKoZI
zj0EAwIDSAAwRQIgNmF01lVoHpzbIxrvW3zInrizRkT3NtTGIJh97CDFPpgCIQC6
37ZeW+jZqnEhwA6saE8BGFLQ0cFQ4pylSvRZUgjUmA==
-----END CERTIFICATE-----
`;
