import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ErrorReply, HOST_FEATURES, isShareEvent, type OkReply, PROTOCOL_VERSION } from '../../src/protocol/index.js';
import { EdgeRouter } from '../fake-cloudflared/edge-router.js';
import { fetchThroughEdge, readFakeStates, waitForFakeState } from '../fake-cloudflared/state.js';
import { HOST_BINARY, HostDriver, isAlive, startOrigin, waitUntil } from '../host-driver.js';

const fakeCloudflared = inject('fakeCloudflared');
const hosts: HostDriver[] = [];
let origin: Awaited<ReturnType<typeof startOrigin>>;
let router: EdgeRouter;

function startHost(options: Partial<ConstructorParameters<typeof HostDriver>[0]> = {}): HostDriver {
  const host = new HostDriver({ fakeCloudflared, router, ...options, env: { PORTHOLE_READY_POLL_MS: '100', ...options.env } });
  hosts.push(host);
  return host;
}

type ShareReply = Extract<OkReply, { type: 'share' }>;

beforeAll(async () => {
  origin = await startOrigin('<h1>hello from localhost</h1>');
  router = await EdgeRouter.start();
});
afterAll(() => {
  origin.server.close();
  router.close();
});
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.dispose()));
});

describe('the built host, spawned as Chromium spawns it', () => {
  it('answers hello with its version and the cloudflared it found', async () => {
    const host = startHost();
    const reply = await host.request({ type: 'hello' });
    expect(reply).toMatchObject({
      ok: true,
      type: 'hello',
      name: 'dev.porthole.host',
      protocol: PROTOCOL_VERSION,
      features: [...HOST_FEATURES],
      cloudflared: { path: fakeCloudflared, source: 'env', version: '2023.7.3' },
      cloudflaredError: null,
    });
  });

  it('shares a real local server: URL, then live, and the page comes through the public address', async () => {
    const host = startHost();
    const reply = await host.request<ShareReply>({ type: 'share', origin: `http://localhost:${origin.port}/some/page` });
    expect(reply).toMatchObject({
      ok: true,
      existing: false,
      share: { origin: `http://localhost:${origin.port}`, state: 'starting', url: null },
    });
    const shareId = reply.share.id;

    const urlEvent = await host.waitForChange(shareId, 'url');
    expect(urlEvent.share.url).toMatch(/^https:\/\/[a-z]+(-[a-z]+)+\.trycloudflare\.com$/);
    const live = await host.waitForChange(shareId, 'live');
    expect(live.share).toMatchObject({ state: 'live', url: urlEvent.share.url });

    const fake = await waitForFakeState(host.fakeDir, (s) => s.url === urlEvent.share.url);
    // cloudflared must never read the user's ~/.cloudflared/config.yml: Porthole passes its own.
    expect(fake.argv).toEqual(expect.arrayContaining(['tunnel', '--no-autoupdate', '--config', '--url']));
    // cloudflared forwards to the share's gateway on 127.0.0.1, never to the origin itself.
    const gatewayUrl = fake.argv[fake.argv.indexOf('--url') + 1];
    expect(gatewayUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(gatewayUrl).not.toBe(`http://127.0.0.1:${origin.port}`);
    // Live only once the public address answered the host's own check, through the edge.
    expect(router.routed.some((r) => r.hostname === fake.hostname && r.path.startsWith('/.well-known/porthole-probe/'))).toBe(true);
    const page = await fetchThroughEdge(fake, '/some/page?x=1');
    expect(page.status).toBe(200);
    expect(page.body).toBe('<h1>hello from localhost</h1>');
    expect(origin.seen.at(-1)?.url).toBe('/some/page?x=1');
  });

  it('returns the running share for the same origin instead of starting a second cloudflared', async () => {
    const host = startHost();
    const first = await host.request<ShareReply>({ type: 'share', origin: `http://localhost:${origin.port}` });
    await host.waitForChange(first.share.id, 'url');
    const second = await host.request<ShareReply>({ type: 'share', origin: `http://localhost:${origin.port}/other` });
    expect(second).toMatchObject({ ok: true, existing: true, share: { id: first.share.id } });
    expect(await readFakeStates(host.fakeDir)).toHaveLength(1);
    expect(await host.request({ type: 'list' })).toMatchObject({ ok: true, type: 'list', shares: [{ id: first.share.id }] });
  });

  it('stop ends cloudflared and reports the share stopped', async () => {
    const host = startHost();
    const { share } = await host.request<ShareReply>({ type: 'share', origin: `http://127.0.0.1:${origin.port}` });
    await host.waitForChange(share.id, 'live');
    const fake = await waitForFakeState(host.fakeDir, () => true);
    const stopped = await host.request({ type: 'stop', shareId: share.id });
    expect(stopped).toMatchObject({ ok: true, type: 'stop', share: { id: share.id, state: 'stopped' } });
    expect(isAlive(fake.pid)).toBe(false);
    await host.waitForChange(share.id, 'stopped');
    expect(await host.request({ type: 'list' })).toMatchObject({ shares: [] });
  });

  it('escalates to SIGKILL when cloudflared does not stop on SIGTERM', async () => {
    const host = startHost({ mode: 'stubborn' });
    const { share } = await host.request<ShareReply>({ type: 'share', origin: `http://localhost:${origin.port}` });
    await host.waitForChange(share.id, 'live');
    const fake = await waitForFakeState(host.fakeDir, () => true);
    expect(await host.request({ type: 'stop', shareId: share.id })).toMatchObject({ ok: true, share: { state: 'stopped' } });
    expect(isAlive(fake.pid)).toBe(false);
  });

  it('when the browser closes stdin, every cloudflared is gone within a second and the host exits', async () => {
    const host = startHost();
    for (const port of [origin.port, 1, 2]) {
      const { share } = await host.request<ShareReply>({ type: 'share', origin: `http://localhost:${port}` });
      await host.waitForChange(share.id, 'url');
    }
    const fakes = await readFakeStates(host.fakeDir);
    expect(fakes).toHaveLength(3);
    const closedAt = Date.now();
    host.closeStdin();
    await waitUntil(() => fakes.every((f) => !isAlive(f.pid)), 1000, 'all cloudflared stopped');
    expect(await host.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - closedAt).toBeLessThan(1000);
    expect(readdirSync(join(host.stateDir, 'running'))).toEqual([]);
  });

  it('a host killed outright leaves a record; the next host stops its orphans, and only those', async () => {
    const first = startHost();
    const { share } = await first.request<ShareReply>({ type: 'share', origin: `http://localhost:${origin.port}` });
    await first.waitForChange(share.id, 'live');
    const orphan = await waitForFakeState(first.fakeDir, () => true);
    first.kill('SIGKILL');
    await first.exited;
    expect(isAlive(orphan.pid)).toBe(true);

    // A process that took over a recorded pid must survive: it is recorded with a command line it does not have.
    const bystander = spawn('sleep', ['30'], { stdio: 'ignore' });
    const runningDir = join(first.stateDir, 'running');
    mkdirSync(runningDir, { recursive: true });
    writeFileSync(
      join(runningDir, '2147483000.json'),
      JSON.stringify({
        hostPid: 2147483000,
        children: [{ pid: bystander.pid, argv: [fakeCloudflared, 'tunnel', '--url', 'http://localhost:1'], startedAt: 0 }],
      }),
    );

    const second = startHost({ stateDir: first.stateDir });
    await second.request({ type: 'hello' });
    await waitUntil(() => !isAlive(orphan.pid), 2000, 'orphan stopped');
    expect(isAlive(bystander.pid ?? -1)).toBe(true);
    expect(second.stderr).toMatch(/stopped 1 cloudflared left behind/);
    expect(readdirSync(runningDir)).toEqual([]);
    bystander.kill('SIGKILL');
  });

  it.each([
    ['offline', 'offline', /^failed to request quick Tunnel/],
    ['rate429', 'rate-limited', /invalid character 'e'/],
    ['rate429-new', 'rate-limited', /invalid character 'e'/],
    ['err500', 'tunnel-service-error', /invalid character '<'/],
    ['badjson', 'tunnel-service-error', /unexpected EOF/],
    ['edge-unreachable', 'edge-unreachable', /Could not lookup srv records/],
    ['config-yml', 'edge-unreachable', /Could not lookup srv records/],
    ['die-after-live', 'tunnel-exited', /.+/],
  ])('cloudflared in mode %s → the share fails with %s and the line that explains it', async (mode, code, detail) => {
    const host = startHost({ mode, env: { FAKE_CLOUDFLARED_DIE_AFTER_MS: '200' } });
    const { share } = await host.request<ShareReply>({ type: 'share', origin: `http://localhost:${origin.port}` });
    const failed = await host.waitForChange(share.id, 'failed');
    expect(failed.share.state).toBe('failed');
    expect(failed.share.error?.code).toBe(code);
    expect(failed.share.error?.detail).toMatch(detail);
    expect(failed.share.error?.message.length).toBeGreaterThan(30);
    expect(await host.request({ type: 'list' })).toMatchObject({ shares: [] });
  });

  it('a share whose edge never connects has its URL but stays starting, until stopped', async () => {
    const host = startHost({ mode: 'edge-retry' });
    const { share } = await host.request<ShareReply>({ type: 'share', origin: `http://localhost:${origin.port}` });
    await host.waitForChange(share.id, 'url');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(host.messages.some((m) => isShareEvent(m) && m.change === 'live')).toBe(false);
    expect(await host.request({ type: 'stop', shareId: share.id })).toMatchObject({ ok: true, share: { state: 'stopped' } });
  });

  it('gives up with tunnel-service-error when no address comes, and leaves no cloudflared behind', async () => {
    const host = startHost({ mode: 'hang', env: { PORTHOLE_URL_TIMEOUT_MS: '500' } });
    const { share } = await host.request<ShareReply>({ type: 'share', origin: `http://localhost:${origin.port}` });
    const failed = await host.waitForChange(share.id, 'failed');
    expect(failed.share.error).toMatchObject({ code: 'tunnel-service-error', detail: expect.stringMatching(/no address/) });
    expect((await readFakeStates(host.fakeDir)).filter((s) => isAlive(s.pid))).toEqual([]);
  });

  it('refuses what it must, and keeps serving', async () => {
    const host = startHost();
    host.writeRaw(Buffer.from([5, 0, 0, 0, 0x7b, 0x7b, 0x7b, 0x7b, 0x7b]));
    const notLoopback = await host.request<ErrorReply>({ type: 'share', origin: 'http://example.com:80' });
    expect(notLoopback.error.code).toBe('not-loopback');
    const lookalike = await host.request<ErrorReply>({ type: 'share', origin: 'http://localhost.evil.com:3000' });
    expect(lookalike.error.code).toBe('not-loopback');
    const unknown = await host.request<ErrorReply>({ type: 'teleport' });
    expect(unknown.error).toMatchObject({ code: 'bad-request', message: expect.stringMatching(/Unknown request type/) });
    expect(host.messages[0]).toMatchObject({ id: null, ok: false, error: { code: 'bad-request' } });
    expect(await host.request({ type: 'list' })).toMatchObject({ ok: true, shares: [] });
    expect(await readFakeStates(host.fakeDir)).toEqual([]);
  });

  it('without cloudflared: hello says so, and a share fails with cloudflared-missing and how to fix it', async () => {
    const host = startHost({ env: { PORTHOLE_CLOUDFLARED: '/nonexistent/cloudflared' } });
    expect(await host.request({ type: 'hello' })).toMatchObject({
      ok: true,
      cloudflared: null,
      cloudflaredError: { code: 'cloudflared-missing' },
    });
    const reply = await host.request<ErrorReply>({ type: 'share', origin: `http://localhost:${origin.port}` });
    expect(reply.error.code).toBe('cloudflared-missing');
    expect(reply.error.message).toMatch(/PORTHOLE_CLOUDFLARED/);
  });

  it('works when launched by Firefox (manifest path and extension id)', async () => {
    const host = startHost({ args: ['/home/u/.mozilla/native-messaging-hosts/dev.porthole.host.json', 'porthole@porthole.dev'] });
    expect(await host.request({ type: 'hello' })).toMatchObject({ ok: true, type: 'hello' });
  });
});

describe('porthole-host share, in a terminal', () => {
  function runCli(mode: string) {
    const stateDir = mkdtempSync(join(tmpdir(), 'porthole-cli-'));
    const fakeDir = join(stateDir, 'fake');
    const cli = spawn(HOST_BINARY, ['share', String(origin.port)], {
      env: {
        ...process.env,
        PORTHOLE_CLOUDFLARED: fakeCloudflared,
        PORTHOLE_STATE_DIR: stateDir,
        FAKE_CLOUDFLARED_STATE_DIR: fakeDir,
        FAKE_CLOUDFLARED_MODE: mode,
        ...router.probeEnv,
      },
    });
    router.watch(fakeDir);
    const output = { stdout: '', stderr: '' };
    cli.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
    cli.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => cli.on('exit', resolve));
    return { cli, output, exited, fakeDir };
  }

  it('prints the public URL on stdout, progress on stderr, and stops cloudflared on Ctrl-C', async () => {
    const { cli, output, exited, fakeDir } = runCli('ok');
    await waitUntil(() => output.stderr.includes('✓ live'), 10_000, 'the CLI says live');
    expect(output.stdout).toMatch(/^https:\/\/[a-z-]+\.trycloudflare\.com\n$/);
    const fake = await waitForFakeState(fakeDir, () => true);
    expect(fake.url).toBe(output.stdout.trim());
    expect((await fetchThroughEdge(fake, '/')).body).toBe('<h1>hello from localhost</h1>');
    cli.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(isAlive(fake.pid)).toBe(false);
    expect(output.stderr).toMatch(/✓ stopped/);
  });

  it('explains a failure and exits non-zero', async () => {
    const { output, exited } = runCli('rate429');
    expect(await exited).toBe(1);
    expect(output.stderr).toMatch(/rate limited/);
    expect(output.stderr).toMatch(/cloudflared said: failed to unmarshal quick Tunnel/);
  });
});
