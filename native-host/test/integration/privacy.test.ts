/**
 * What the host leaves on the sharer's own computer (issue 9, finding 6): its folder and files
 * readable by the sharer only whatever the umask, and no visitor's query string (reset tokens, API
 * keys) in host.log, in the events the extension gets, or in the terminal's visitor lines.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { isShareEvent, type OkReply } from '../../src/protocol/index.js';
import { EdgeRouter } from '../fake-cloudflared/edge-router.js';
import { fetchThroughEdge, readFakeStates, waitForFakeState } from '../fake-cloudflared/state.js';
import { HOST_BINARY, HostDriver, isAlive, waitUntil } from '../host-driver.js';

const fakeCloudflared = inject('fakeCloudflared');
const hosts: HostDriver[] = [];
const servers: Server[] = [];
const dirs: string[] = [];
let router: EdgeRouter;
let previousUmask = 0;

type ShareReply = Extract<OkReply, { type: 'share' }>;

beforeAll(async () => {
  router = await EdgeRouter.start();
  // What most systems give a login session; the host inherits it.
  previousUmask = process.umask(0o022);
});
afterAll(() => {
  router.close();
  process.umask(previousUmask);
});
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.dispose()));
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A dev server whose /reset route drops the connection, as a crashing handler would: the gateway logs such failures with the request's path. */
async function startOrigin(): Promise<number> {
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/reset')) req.socket.destroy();
    else res.end('ok');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'porthole-privacy-'));
  dirs.push(dir);
  return dir;
}

const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8);

describe('local privacy', () => {
  it('under umask 022 the state folder and running/ are 0700 and every file in them 0600, older looser ones included', async () => {
    // The default location ($XDG_STATE_HOME/porthole), as an older Porthole left it: made under the umask.
    const xdgStateHome = tempDir();
    const stateDir = join(xdgStateHome, 'porthole');
    mkdirSync(join(stateDir, 'running'), { recursive: true, mode: 0o755 });
    chmodSync(stateDir, 0o755);
    writeFileSync(join(stateDir, 'host.log'), 'an old line\n', { mode: 0o644 });
    const host = new HostDriver({
      fakeCloudflared,
      router,
      stateDir: tempDir(),
      env: { PORTHOLE_READY_POLL_MS: '100', PORTHOLE_STATE_DIR: '', XDG_STATE_HOME: xdgStateHome },
    });
    hosts.push(host);
    const port = await startOrigin();
    const { share } = await host.request<ShareReply>({ type: 'share', origin: `http://localhost:${port}` });
    await host.waitForChange(share.id, 'live');

    const record = join(stateDir, 'running', `${host.child.pid}.json`);
    expect({
      stateDir: mode(stateDir),
      running: mode(join(stateDir, 'running')),
      log: mode(join(stateDir, 'host.log')),
      record: mode(record),
      config: mode(join(stateDir, 'cloudflared-quick-tunnel.yml')),
    }).toEqual({ stateDir: '700', running: '700', log: '600', record: '600', config: '600' });
    expect(readFileSync(join(stateDir, 'host.log'), 'utf8')).toMatch(/made .* readable by this user only/);
    // Everything Porthole itself wrote there (the fake cloudflared's own files aside).
    // Folders (uploads/ for dropped files) are the user's alone too.
    for (const entry of readdirSync(stateDir, { withFileTypes: true }).filter((entry) => entry.name !== 'running'))
      expect([entry.name, mode(join(stateDir, entry.name))]).toEqual([entry.name, entry.isDirectory() ? '700' : '600']);
  });

  it('a request with ?token=secret leaves no secret (nor the share password) in host.log, in stderr, or in the traffic the extension gets', async () => {
    const host = new HostDriver({ fakeCloudflared, router, env: { PORTHOLE_READY_POLL_MS: '100' } });
    hosts.push(host);
    const port = await startOrigin();
    const { share } = await host.request<ShareReply>({
      type: 'share',
      origin: `http://localhost:${port}`,
      options: { password: 'pw-secret' },
    });
    const live = await host.waitForChange(share.id, 'live');
    const fake = await waitForFakeState(host.fakeDir, (s) => s.url === live.share.url && s.registered);
    const authorization = `Basic ${Buffer.from('visitor:pw-secret').toString('base64')}`;

    expect((await fetchThroughEdge(fake, '/reset?token=secret', { headers: { authorization } })).status).toBe(502);
    expect((await fetchThroughEdge(fake, '/page?api_key=secret#also-secret', { headers: { authorization } })).status).toBe(200);
    const logFile = join(host.stateDir, 'host.log');
    await waitUntil(() => readFileSync(logFile, 'utf8').includes('GET /reset'), 3000, 'the failed request is logged');
    await host.waitFor((m) => isShareEvent(m) && m.change === 'traffic' && (m.share.traffic?.recent.length ?? 0) >= 2);

    const log = readFileSync(logFile, 'utf8');
    expect(log).toMatch(/GET \/reset\?… /);
    expect(log).not.toContain('secret');
    expect(host.stderr).not.toContain('secret');
    const paths = host.messages.flatMap((m) => (isShareEvent(m) ? (m.share.traffic?.recent ?? []).map((r) => r.path) : []));
    expect(paths).toEqual(expect.arrayContaining(['/reset?…', '/page?…']));
    // The share itself tells the extension its password (the popup shows it); nothing else may.
    expect(JSON.stringify(host.messages).replaceAll('"password":"pw-secret"', '')).not.toContain('secret');
  });

  it('porthole-host share: the visitor lines in the terminal carry no query string', async () => {
    const port = await startOrigin();
    const stateDir = tempDir();
    const fakeDir = join(stateDir, 'fake');
    router.watch(fakeDir);
    const cli = spawn(HOST_BINARY, ['share', String(port)], {
      env: {
        ...process.env,
        PORTHOLE_CLOUDFLARED: fakeCloudflared,
        PORTHOLE_STATE_DIR: stateDir,
        FAKE_CLOUDFLARED_STATE_DIR: fakeDir,
        ...router.probeEnv,
      },
    });
    let stderr = '';
    cli.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      await waitUntil(() => stderr.includes('✓ live'), 10_000, 'the CLI says live');
      const fake = await waitForFakeState(fakeDir, (s) => s.registered);
      expect((await fetchThroughEdge(fake, '/page?token=secret')).status).toBe(200);
      await waitUntil(() => stderr.includes('200 GET /page'), 3000, 'the request shows in the terminal');
      expect(stderr).toContain('200 GET /page?… ');
      expect(stderr).not.toContain('secret');
      expect(readFileSync(join(stateDir, 'host.log'), 'utf8')).not.toContain('secret');
    } finally {
      // Interrupted as a person would (Ctrl-C), so that the CLI stops its cloudflared itself.
      const exited = new Promise((resolve) => cli.once('exit', resolve));
      cli.kill('SIGINT');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
      cli.kill('SIGKILL');
      for (const state of await readFakeStates(fakeDir)) if (isAlive(state.pid)) process.kill(state.pid, 'SIGKILL');
    }
  });
});
