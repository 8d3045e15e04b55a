/**
 * Stable addresses (issue 14) through the built host, the fake cloudflared in named mode and the
 * loopback stand-in of Cloudflare's API: connect an account, share servers on their own hostnames
 * behind one named tunnel and the host's Host router, add and stop shares while a visitor streams
 * from another, refuse a DNS record Porthole did not create, disconnect and leave nothing behind,
 * and token mode without the token in any command line or log.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { type AccountEvent, type ErrorReply, isAccountEvent, type OkReply, type Share } from '../../src/protocol/index.js';
import { API_TOKEN, StandinApi, ZONE_NAME } from '../cloudflare-standin/standin-api.js';
import { type FakeCloudflaredState, readFakeStates, splitHostPort } from '../fake-cloudflared/state.js';
import { HOST_BINARY, HostDriver, isAlive, startOrigin, waitUntil } from '../host-driver.js';

const fakeCloudflared = inject('fakeCloudflared');
let api: StandinApi;
const hosts: HostDriver[] = [];
const servers: Server[] = [];

type Ok<T extends OkReply['type']> = Extract<OkReply, { type: T }>;

beforeEach(async () => {
  api = await StandinApi.start();
});
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.dispose()));
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
  api.close();
});

function startHost(env: Record<string, string> = {}, stateDir?: string): HostDriver {
  const host = new HostDriver({
    fakeCloudflared,
    stateDir,
    env: {
      PORTHOLE_CLOUDFLARE_API_URL: api.apiUrl,
      PORTHOLE_CLOUDFLARE_LOGIN_URL: api.loginUrl,
      PORTHOLE_CLOUDFLARE_CALLBACK_URL: api.callbackUrl,
      FAKE_CLOUDFLARED_EDGE_DNS: `http://127.0.0.1:${api.port}`,
      FAKE_CLOUDFLARED_LOGIN_POLL_MS: '50',
      ...env,
    },
  });
  hosts.push(host);
  return host;
}

async function connect(host: HostDriver): Promise<AccountEvent> {
  const reply = await host.request<Ok<'connect'>>({ type: 'connect' });
  expect(reply.ok, JSON.stringify(reply)).toBe(true);
  expect(reply.account.state).toBe('connecting');
  expect(reply.account.loginUrl).toMatch(new RegExp(`^${api.loginUrl}\\?aud=&callback=`));
  api.authorise();
  return (await host.waitFor((m) => isAccountEvent(m) && m.account.state !== 'connecting')) as AccountEvent;
}

async function namedTunnel(host: HostDriver): Promise<FakeCloudflaredState> {
  let found: FakeCloudflaredState | undefined;
  await waitUntil(
    async () => {
      // A fake killed outright (SIGKILL) leaves its state file behind: only a live one counts.
      found = (await readFakeStates(host.fakeDir)).find((state) => state.mode === 'named' && state.edge !== null && isAlive(state.pid));
      return found !== undefined;
    },
    5000,
    'the named tunnel runs',
  );
  return found as FakeCloudflaredState;
}

interface Visit {
  status: number;
  body: string;
}

/** A visitor of `https://<hostname>`: the request reaches the fake edge with that Host. */
function visit(tunnel: FakeCloudflaredState, hostname: string, path = '/'): Promise<Visit> {
  const [host, port] = splitHostPort(tunnel.edge ?? '');
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, headers: { host: hostname }, agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A dev server with a Server-Sent Events stream: one numbered event every `everyMs`. */
async function startStreamingOrigin(everyMs: number): Promise<{ port: number }> {
  const server = createServer((req, res) => {
    if (req.url !== '/events') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>alpha</h1>');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    let n = 0;
    const timer = setInterval(() => res.write(`data: ${n++}\n\n`), everyMs);
    res.on('close', () => clearInterval(timer));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port };
}

async function shareStable(host: HostDriver, port: number, name?: string): Promise<Share> {
  const reply = await host.request<Ok<'share'>>({
    type: 'share',
    origin: `http://localhost:${port}/`,
    address: name === undefined ? { kind: 'stable' } : { kind: 'stable', name },
  });
  expect(reply.ok, JSON.stringify(reply)).toBe(true);
  return reply.share;
}

describe('a connected account', () => {
  it('refuses a stable share before any account is connected, and a name that is not a DNS label', async () => {
    const host = startHost();
    const origin = await startOrigin();
    servers.push(origin.server);
    const refused = await host.request<ErrorReply>({
      type: 'share',
      origin: `http://localhost:${origin.port}/`,
      address: { kind: 'stable' },
    });
    expect(refused.ok).toBe(false);
    expect(refused.error.code).toBe('not-logged-in');
    const hello = await host.request<Ok<'hello'>>({ type: 'hello' });
    expect(hello.features).toContain('stable');

    expect((await connect(host)).account).toMatchObject({ state: 'connected', mode: 'cert', zone: ZONE_NAME, error: null });
    const bad = await host.request<ErrorReply>({
      type: 'share',
      origin: `http://localhost:${origin.port}/`,
      address: { kind: 'stable', name: 'not_a label' },
    });
    expect(bad.error.code).toBe('name-invalid');
  });

  it('serves two servers on their own hostnames, keeps a stream from one going while another is added and stopped, and gives the same name again', async () => {
    const home = mkdtempSync(join(tmpdir(), 'porthole-home-'));
    const host = startHost({ HOME: home });
    const event = await connect(host);
    expect(event.account).toMatchObject({ state: 'connected', zone: ZONE_NAME, loginUrl: null });
    // The cert is Porthole's, private, and the user's ~/.cloudflared was never touched.
    const cert = join(host.stateDir, 'cloudflare', 'cert.pem');
    expect(statSync(cert).mode & 0o777).toBe(0o600);
    expect(existsSync(join(home, '.cloudflared'))).toBe(false);
    expect(existsSync(join(host.stateDir, 'cloudflare', 'login-home'))).toBe(false);

    const alpha = await startStreamingOrigin(40);
    const beta = await startOrigin('<h1>beta</h1>');
    servers.push(beta.server);
    const a = await shareStable(host, alpha.port, 'alpha');
    expect(a).toMatchObject({ address: 'stable', hostname: `alpha.${ZONE_NAME}` });
    const aLive = await host.waitForChange(a.id, 'live');
    expect(aLive.share.url).toBe(`https://alpha.${ZONE_NAME}`);
    const tunnel = await namedTunnel(host);
    expect((await visit(tunnel, `alpha.${ZONE_NAME}`)).body).toContain('alpha');
    // The options page hears of the tunnel and the route without asking.
    const routed = (await host.waitFor((m) => isAccountEvent(m) && m.account.hostnames.includes(`alpha.${ZONE_NAME}`))) as AccountEvent;
    expect(routed.account.tunnel?.name).toMatch(/^porthole-/);

    // A visitor streams from alpha while beta is added, visited and stopped.
    const [edgeHost, edgePort] = splitHostPort(tunnel.edge ?? '');
    const arrivals: { n: number; at: number }[] = [];
    let streamEnded = false;
    const stream = request(
      { host: edgeHost, port: edgePort, path: '/events', headers: { host: `alpha.${ZONE_NAME}` }, agent: false },
      (res) => {
        let buffer = '';
        res.on('data', (chunk: Buffer) => {
          buffer += chunk.toString('utf8');
          for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
            const n = Number(/data: (\d+)/.exec(buffer.slice(0, end))?.[1]);
            arrivals.push({ n, at: performance.now() });
            buffer = buffer.slice(end + 2);
          }
        });
        res.on('close', () => (streamEnded = true));
      },
    );
    stream.end();
    await waitUntil(() => arrivals.length >= 5, 5000, 'the stream flows');

    // Five rounds of adding beta, visiting it and stopping it (the first names it; the others get
    // the remembered name): each is a DNS route and a router entry, never a new cloudflared.
    const windowStart = performance.now();
    for (let round = 0; round < 5; round++) {
      const b = await shareStable(host, beta.port, round === 0 ? 'beta' : undefined);
      expect(b.hostname).toBe(`beta.${ZONE_NAME}`);
      await host.waitForChange(b.id, 'live');
      expect((await visit(tunnel, `beta.${ZONE_NAME}`)).body).toContain('beta');
      const stopped = await host.request<Ok<'stop'>>({ type: 'stop', shareId: b.id });
      expect(stopped.share.state).toBe('stopped');
      // The name stays routed to the tunnel, so the router answers it: not shared right now.
      const gone = await visit(tunnel, `beta.${ZONE_NAME}`);
      expect(gone.status).toBe(404);
      expect(gone.body).toContain('Not shared right now');
    }
    const windowEnd = performance.now();
    // A quiet stretch as long as the busy one, for comparison: the same stream with nothing happening.
    const quietStart = performance.now();
    await new Promise((resolve) => setTimeout(resolve, Math.max(300, windowEnd - windowStart)));
    const quietEnd = performance.now();

    // Every event arrived, in order, on the one connection: nothing was cut or restarted.
    expect(streamEnded).toBe(false);
    expect(arrivals.map((arrival) => arrival.n)).toEqual(arrivals.map((_, i) => i));
    const largestGap = (from: number, to: number): { count: number; largest: number; median: number } => {
      const inside = arrivals.filter((arrival) => arrival.at >= from && arrival.at <= to);
      const gaps = inside
        .slice(1)
        .map((arrival, i) => arrival.at - (inside[i]?.at ?? arrival.at))
        .sort((x, y) => x - y);
      return { count: inside.length, largest: gaps.at(-1) ?? 0, median: gaps[Math.floor(gaps.length / 2)] ?? 0 };
    };
    const busy = largestGap(windowStart, windowEnd);
    const quiet = largestGap(quietStart, quietEnd);
    console.log(
      `stable share alpha streams an event every 40 ms. While beta was added, visited and stopped 5 times (${Math.round(windowEnd - windowStart)} ms): ` +
        `${busy.count} events, largest gap ${busy.largest.toFixed(1)} ms, median ${busy.median.toFixed(1)} ms. ` +
        `Quiet stretch after it (${Math.round(quietEnd - quietStart)} ms): ${quiet.count} events, largest gap ${quiet.largest.toFixed(1)} ms, median ${quiet.median.toFixed(1)} ms.`,
    );
    expect(isAlive(tunnel.pid)).toBe(true);
    expect((await readFakeStates(host.fakeDir)).filter((state) => state.mode === 'named').map((state) => state.pid)).toEqual([tunnel.pid]);

    // Shared again without a name: the remembered one, the same address.
    const again = await shareStable(host, beta.port);
    expect(again.hostname).toBe(`beta.${ZONE_NAME}`);
    await host.waitForChange(again.id, 'live');
    expect((await visit(tunnel, `beta.${ZONE_NAME}`)).body).toContain('beta');
    stream.destroy();

    // The account's secrets stay in their 0600 files: not in a command line, not in the log.
    const credentials = join(host.stateDir, 'cloudflare', 'tunnel-credentials.json');
    const secret = (JSON.parse(readFileSync(credentials, 'utf8')) as { TunnelSecret: string }).TunnelSecret;
    expect(secret.length).toBeGreaterThan(40);
    expect(statSync(credentials).mode & 0o077).toBe(0);
    const cmdline = readFileSync(`/proc/${tunnel.pid}/cmdline`, 'utf8');
    const log = readFileSync(join(host.stateDir, 'host.log'), 'utf8');
    for (const text of [cmdline, log, host.stderr]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(API_TOKEN);
    }
    expect(cmdline).toContain('tunnel.yml');

    // One tunnel, two CNAMEs to it, and www (not Porthole's) as it was.
    const account = (await host.request<Ok<'account'>>({ type: 'account' })).account;
    expect(account.tunnel).not.toBeNull();
    expect(account.hostnames.sort()).toEqual([`alpha.${ZONE_NAME}`, `beta.${ZONE_NAME}`]);
    expect(api.tunnels.filter((t) => t.deleted_at === null)).toHaveLength(1);
    expect(api.tunnelFor(`alpha.${ZONE_NAME}`)).toBe(account.tunnel?.id);
  });

  it('refuses a DNS record Porthole did not create and leaves it unchanged', async () => {
    const host = startHost();
    await connect(host);
    const origin = await startOrigin();
    servers.push(origin.server);
    const share = await shareStable(host, origin.port, 'www');
    const failed = await host.waitForChange(share.id, 'failed');
    expect(failed.share.error?.code).toBe('dns-record-foreign');
    expect(failed.share.error?.message).toContain(`www.${ZONE_NAME}`);
    expect(api.dns.filter((record) => record.name === `www.${ZONE_NAME}`)).toEqual([
      { id: 'rec-www', type: 'A', name: `www.${ZONE_NAME}`, content: '192.0.2.10' },
    ]);
    expect(api.requests.some((r) => r.method === 'PUT' && r.body?.includes('"overwrite_existing":true'))).toBe(false);
    const account = (await host.request<Ok<'account'>>({ type: 'account' })).account;
    expect(account.hostnames).not.toContain(`www.${ZONE_NAME}`);
  });

  it('disconnect removes the tunnel, the records Porthole created (only those) and the certificate', async () => {
    const host = startHost();
    await connect(host);
    const foreign = api.addRecord({ type: 'CNAME', name: `blog.${ZONE_NAME}`, content: 'somewhere.example.net' });
    const origin = await startOrigin();
    servers.push(origin.server);
    const share = await shareStable(host, origin.port, 'demo');
    await host.waitForChange(share.id, 'live');
    const tunnel = await namedTunnel(host);
    const tunnelId = (await host.request<Ok<'account'>>({ type: 'account' })).account.tunnel?.id;

    const reply = await host.request<Ok<'disconnect'>>({ type: 'disconnect' });
    expect(reply.ok, JSON.stringify(reply)).toBe(true);
    expect(reply.stopped.map((s) => s.id)).toEqual([share.id]);
    expect(reply.account).toMatchObject({ state: 'disconnected', mode: null, tunnel: null, hostnames: [], error: null });
    expect(api.tunnels.find((t) => t.id === tunnelId)?.deleted_at).not.toBeNull();
    expect(api.dns.map((r) => r.name).sort()).toEqual([`blog.${ZONE_NAME}`, `www.${ZONE_NAME}`]);
    expect(api.dns).toContainEqual(foreign);
    await waitUntil(() => !isAlive(tunnel.pid), 5000, 'the named tunnel stopped');
    expect(readdirSync(join(host.stateDir, 'cloudflare')).filter((name) => name !== 'names.json')).toEqual([]);
    const after = await host.request<ErrorReply>({
      type: 'share',
      origin: `http://localhost:${origin.port}/`,
      address: { kind: 'stable' },
    });
    expect(after.error.code).toBe('not-logged-in');
  });
});

describe('no orphans', () => {
  it('a host killed outright leaves its named tunnel to the next host, which stops it', async () => {
    const first = startHost();
    await connect(first);
    const origin = await startOrigin();
    servers.push(origin.server);
    const share = await shareStable(first, origin.port, 'demo');
    await first.waitForChange(share.id, 'live');
    const tunnel = await namedTunnel(first);
    first.kill('SIGKILL');
    await first.exited;
    expect(isAlive(tunnel.pid)).toBe(true);

    const second = startHost({}, first.stateDir);
    await second.request({ type: 'hello' });
    await waitUntil(() => !isAlive(tunnel.pid), 5000, 'the orphaned named tunnel is stopped');
    // The account is still connected, and the same name comes back on the same tunnel.
    const account = (await second.request<Ok<'account'>>({ type: 'account' })).account;
    expect(account).toMatchObject({ state: 'connected', hostnames: [`demo.${ZONE_NAME}`] });
    const again = await shareStable(second, origin.port);
    expect(again.hostname).toBe(`demo.${ZONE_NAME}`);
    await second.waitForChange(again.id, 'live');
    expect((await visit(await namedTunnel(second), `demo.${ZONE_NAME}`)).body).toContain('hello from localhost');
    expect(api.tunnels.filter((t) => t.deleted_at === null)).toHaveLength(1);
  });
});

describe('one tunnel per computer', () => {
  it('a second host on the same computer does not run the tunnel a second time; it may once the first is gone', async () => {
    const first = startHost();
    await connect(first);
    const origin = await startOrigin();
    servers.push(origin.server);
    const share = await shareStable(first, origin.port, 'one');
    await first.waitForChange(share.id, 'live');
    const tunnel = await namedTunnel(first);

    const second = startHost({}, first.stateDir);
    const other = await startOrigin('<h1>other</h1>');
    servers.push(other.server);
    const refused = await shareStable(second, other.port, 'two');
    const failed = await second.waitForChange(refused.id, 'failed');
    expect(failed.share.error?.code).toBe('account-error');
    expect(failed.share.error?.message).toContain(`Another Porthole (process ${first.child.pid})`);
    expect((await readFakeStates(first.fakeDir)).filter((s) => s.mode === 'named' && isAlive(s.pid)).map((s) => s.pid)).toEqual([
      tunnel.pid,
    ]);

    first.closeStdin();
    await first.exited;
    await waitUntil(() => !isAlive(tunnel.pid), 5000, 'the first host stopped its tunnel');
    const again = await shareStable(second, other.port, 'two');
    await second.waitForChange(again.id, 'live');
    expect((await visit(await namedTunnel(second), `two.${ZONE_NAME}`)).body).toContain('other');
  });
});

describe('token mode', () => {
  const token = Buffer.from(
    JSON.stringify({
      a: '0000aaaa1111bbbb2222cccc3333dddd',
      t: '44444444-5555-4666-8777-888888888888',
      s: 'VE9LRU4tc2VjcmV0LTMyLWJ5dGVzLS0tLS0tLS0tLS0=',
    }),
  ).toString('base64');

  it('refuses a malformed token', async () => {
    const host = startHost();
    const reply = await host.request<ErrorReply>({ type: 'connect-token', token: 'not-a-valid-token', hostname: 'app.example.com' });
    expect(reply.error.code).toBe('token-invalid');
  });

  it('fails the share with token-invalid when the edge refuses the tunnel', async () => {
    const host = startHost({ FAKE_CLOUDFLARED_NAMED_REFUSED: '1', PORTHOLE_NAMED_REGISTER_TIMEOUT_MS: '1500' });
    const connected = await host.request<Ok<'connect-token'>>({ type: 'connect-token', token, hostname: 'app.example.com' });
    expect(connected.ok).toBe(true);
    const origin = await startOrigin();
    servers.push(origin.server);
    const share = await shareStable(host, origin.port);
    const failed = await host.waitForChange(share.id, 'failed');
    expect(failed.share.error?.code).toBe('token-invalid');
    expect(failed.share.error?.detail).toContain('Invalid tunnel secret');
  });

  it('runs the tunnel with the token in its environment only, never in a command line or the log', async () => {
    const dashboard = join(mkdtempSync(join(tmpdir(), 'porthole-dashboard-')), 'ingress.json');
    const host = startHost({ FAKE_CLOUDFLARED_REMOTE_INGRESS: dashboard });
    const connected = await host.request<Ok<'connect-token'>>({ type: 'connect-token', token, hostname: 'app.example.com' });
    expect(connected.ok, JSON.stringify(connected)).toBe(true);
    expect(connected.account).toMatchObject({ state: 'connected', mode: 'token', tokenHostname: 'app.example.com', zone: 'example.com' });
    expect(connected.account.tokenService).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // What the user does in the dashboard: the public hostname's service is the address Porthole gave.
    writeFileSync(dashboard, JSON.stringify([{ hostname: 'app.example.com', service: connected.account.tokenService }]));

    const origin = await startOrigin('<h1>token mode</h1>');
    servers.push(origin.server);
    const share = await shareStable(host, origin.port);
    expect(share.hostname).toBe('app.example.com');
    await host.waitForChange(share.id, 'live');
    const tunnel = await namedTunnel(host);
    expect((await visit(tunnel, 'app.example.com')).body).toContain('token mode');

    const secret = 'VE9LRU4tc2VjcmV0LTMyLWJ5dGVzLS0tLS0tLS0tLS0=';
    const cmdline = readFileSync(`/proc/${tunnel.pid}/cmdline`, 'utf8');
    expect(cmdline).toContain('run');
    expect(cmdline).not.toContain(token);
    expect(readFileSync(`/proc/${host.child.pid}/cmdline`, 'utf8')).not.toContain(token);
    // It really ran on the token: the fake read it from TUNNEL_TOKEN.
    expect(readFileSync(`/proc/${tunnel.pid}/environ`, 'utf8')).toContain(`TUNNEL_TOKEN=${token}`);
    const log = readFileSync(join(host.stateDir, 'host.log'), 'utf8');
    expect(log).toContain('run');
    expect(log).not.toContain(token);
    expect(log).not.toContain(secret);
    expect(host.stderr).not.toContain(token);
    expect(statSync(join(host.stateDir, 'cloudflare', 'tunnel-token')).mode & 0o777).toBe(0o600);
  });
});

describe('the CLI', () => {
  interface Run {
    child: ChildProcess;
    stdout: () => string;
    stderr: () => string;
    exited: Promise<number | null>;
  }
  function run(args: string[], env: NodeJS.ProcessEnv): Run {
    const child = spawn(HOST_BINARY, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, stdout: () => stdout, stderr: () => stderr, exited };
  }

  it('login lets cloudflared open the page, share --stable prints the stable address, logout removes what Porthole made', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'porthole-cli-state-'));
    const bin = mkdtempSync(join(tmpdir(), 'porthole-cli-bin-'));
    const opened = join(bin, 'opened.txt');
    // The browser opener cloudflared calls on Linux, standing in for the person's browser.
    writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\necho "$1" > ${JSON.stringify(opened)}\n`);
    chmodSync(join(bin, 'xdg-open'), 0o755);
    const fakeDir = join(stateDir, 'fake-cloudflared');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: bin,
      HOME: mkdtempSync(join(tmpdir(), 'porthole-cli-home-')),
      PORTHOLE_CLOUDFLARED: fakeCloudflared,
      PORTHOLE_STATE_DIR: stateDir,
      PORTHOLE_PROBE: 'off',
      PORTHOLE_CLOUDFLARE_API_URL: api.apiUrl,
      PORTHOLE_CLOUDFLARE_LOGIN_URL: api.loginUrl,
      PORTHOLE_CLOUDFLARE_CALLBACK_URL: api.callbackUrl,
      FAKE_CLOUDFLARED_EDGE_DNS: `http://127.0.0.1:${api.port}`,
      FAKE_CLOUDFLARED_LOGIN_POLL_MS: '50',
      FAKE_CLOUDFLARED_STATE_DIR: fakeDir,
    };

    const login = run(['login'], env);
    await waitUntil(() => login.stdout().includes('callback='), 10_000, 'login prints the page');
    const url = login.stdout().trim();
    expect(url).toMatch(new RegExp(`^${api.loginUrl}\\?aud=&callback=`));
    await waitUntil(() => existsSync(opened), 5000, 'cloudflared opened the page');
    expect(readFileSync(opened, 'utf8').trim()).toBe(url);
    api.authorise();
    expect(await login.exited).toBe(0);
    expect(login.stderr()).toContain(`<name>.${ZONE_NAME}`);

    const origin = await startOrigin('<h1>from the cli</h1>');
    servers.push(origin.server);
    const share = run(['share', String(origin.port), '--stable', '--name', 'cli'], env);
    await waitUntil(() => share.stdout().includes('\n'), 15_000, 'share prints its address');
    expect(share.stdout().trim()).toBe(`https://cli.${ZONE_NAME}`);
    let tunnel: FakeCloudflaredState | undefined;
    await waitUntil(
      async () => {
        tunnel = (await readFakeStates(fakeDir)).find((state) => state.mode === 'named' && isAlive(state.pid));
        return tunnel !== undefined;
      },
      5000,
      'the named tunnel runs',
    );
    expect((await visit(tunnel as FakeCloudflaredState, `cli.${ZONE_NAME}`)).body).toContain('from the cli');
    share.child.kill('SIGINT');
    expect(await share.exited).toBe(0);
    await waitUntil(() => !isAlive((tunnel as FakeCloudflaredState).pid), 5000, 'the named tunnel stops with the CLI');

    const logout = run(['logout'], env);
    expect(await logout.exited).toBe(0);
    expect(logout.stdout()).toContain(`removed the DNS record cli.${ZONE_NAME}`);
    expect(logout.stdout()).toMatch(/deleted the tunnel porthole-/);
    expect(api.tunnelFor(`cli.${ZONE_NAME}`)).toBeNull();
    expect(existsSync(join(stateDir, 'cloudflare', 'cert.pem'))).toBe(false);
  });
});
