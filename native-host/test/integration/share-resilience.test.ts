/**
 * A share outlives what goes wrong under it (issue 11), through the built host and the fake
 * cloudflared: a cloudflared that dies while the share is live is started again, and a local server
 * that stops is noticed without waiting for a visitor.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { isShareEvent, type OkReply, type ShareEvent } from '../../src/protocol/index.js';
import { EdgeRouter } from '../fake-cloudflared/edge-router.js';
import { fetchThroughEdge, waitForFakeState } from '../fake-cloudflared/state.js';
import { HostDriver, isAlive, waitUntil } from '../host-driver.js';

const fakeCloudflared = inject('fakeCloudflared');
const hosts: HostDriver[] = [];
const servers: Server[] = [];
let router: EdgeRouter;

type ShareReply = Extract<OkReply, { type: 'share' }>;

beforeAll(async () => {
  router = await EdgeRouter.start();
});
afterAll(() => router.close());
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.dispose()));
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

/** `probe: false`: live on registration, without the reachability check through the edge router. */
function startHost(mode: string, env: Record<string, string> = {}, probe = true): HostDriver {
  const host = new HostDriver({ fakeCloudflared, ...(probe ? { router } : {}), mode, env: { PORTHOLE_READY_POLL_MS: '100', ...env } });
  hosts.push(host);
  return host;
}

async function startApp(): Promise<{ server: Server; port: number }> {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('the app'));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

function eventsOf(host: HostDriver, shareId: string): ShareEvent[] {
  return host.messages.filter((m): m is ShareEvent => isShareEvent(m) && m.share.id === shareId);
}

describe('a share whose cloudflared dies comes back (issue 11)', () => {
  it('cloudflared exits on its own while live: the host starts a new one for the same share; the new address is announced and serves the app', async () => {
    const { port } = await startApp();
    // Long enough after registration for the host's check to call the share live first, even on a loaded machine.
    const host = startHost('die-first-after-live', { FAKE_CLOUDFLARED_DIE_AFTER_MS: '1500' });
    const reply = await host.request<ShareReply>({
      type: 'share',
      origin: `http://localhost:${port}`,
      settings: { password: 'correct horse battery' },
    });
    const shareId = reply.share.id;
    const firstLive = await host.waitForChange(shareId, 'live');
    const oldUrl = firstLive.share.url!;
    const oldFake = await waitForFakeState(host.fakeDir, (s) => s.url === oldUrl);

    const restarting = await host.waitForChange(shareId, 'restarting');
    expect(restarting.share).toMatchObject({ id: shareId, state: 'starting', url: null, restarts: 1, password: 'correct horse battery' });
    const restarted = await host.waitForChange(shareId, 'restarted');
    const newUrl = restarted.share.url!;
    expect(newUrl).toMatch(/^https:\/\/[a-z-]+\.trycloudflare\.com$/);
    expect(newUrl).not.toBe(oldUrl);
    const live = (await host.waitFor(
      (m) => isShareEvent(m) && m.share.id === shareId && m.change === 'live' && m.share.url === newUrl,
    )) as ShareEvent;
    expect(live.share).toMatchObject({ state: 'live', restarts: 1, error: null, password: 'correct horse battery' });
    expect(
      eventsOf(host, shareId)
        .map((e) => e.change)
        .filter((c) => c !== 'traffic'),
    ).toEqual(['starting', 'url', 'live', 'restarting', 'restarted', 'live']);

    // The old cloudflared is gone; the new one forwards to the same gateway, which still asks for the password.
    await waitUntil(() => !isAlive(oldFake.pid), 5000, 'the old cloudflared to be gone');
    const newFake = await waitForFakeState(host.fakeDir, (s) => s.url === newUrl && s.registered);
    expect(newFake.pid).not.toBe(oldFake.pid);
    expect(newFake.argv[newFake.argv.indexOf('--url') + 1]).toBe(oldFake.argv[oldFake.argv.indexOf('--url') + 1]);
    expect((await fetchThroughEdge(newFake, '/', { headers: { accept: 'text/plain' } })).status).toBe(401);
    const page = await fetchThroughEdge(newFake, '/', {
      headers: { authorization: `Basic ${Buffer.from('x:correct horse battery').toString('base64')}` },
    });
    expect(page).toMatchObject({ status: 200, body: 'the app' });
    const list = await host.request<Extract<OkReply, { type: 'list' }>>({ type: 'list' });
    expect(list.shares).toEqual([expect.objectContaining({ id: shareId, url: newUrl, state: 'live' })]);
  });

  it('after three restarts within minutes the share fails, with cloudflared’s reason', async () => {
    const { port } = await startApp();
    // Without the check, each tunnel is live on registration and dies 300 ms later: a share that never
    // went live would fail at once, which is not what this test is about.
    const host = startHost('die-first-after-live', { FAKE_CLOUDFLARED_DIE_AFTER_MS: '300', FAKE_CLOUDFLARED_DEATHS: '4' }, false);
    const reply = await host.request<ShareReply>({ type: 'share', origin: `http://localhost:${port}` });
    const failed = await host.waitForChange(reply.share.id, 'failed', 25_000);
    expect(failed.share).toMatchObject({ state: 'failed', restarts: 3, error: { code: 'tunnel-exited' } });
    expect(eventsOf(host, reply.share.id).filter((e) => e.change === 'restarted')).toHaveLength(3);
  });
});

describe('the share turns amber when the local server stops, with no visitor (issue 11)', () => {
  it('origin-unreachable arrives within seconds of the server stopping, and origin-reachable when it is back', async () => {
    const app = await startApp();
    // The host's own interval (2 s), not a test's shorter one.
    const host = startHost('ok');
    const reply = await host.request<ShareReply>({ type: 'share', origin: `http://localhost:${app.port}` });
    const shareId = reply.share.id;
    await host.waitForChange(shareId, 'live');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(eventsOf(host, shareId).some((e) => e.change === 'origin-unreachable')).toBe(false);

    app.server.closeAllConnections();
    await new Promise((resolve) => app.server.close(resolve));
    const amber = await host.waitForChange(shareId, 'origin-unreachable', 8000);
    expect(amber.share.warnings.map((w) => w.code)).toEqual(['origin-unreachable']);
    expect(amber.share.traffic.requests).toBe(0);

    const again = createServer((_req, res) => res.end('back'));
    servers.push(again);
    await new Promise<void>((resolve) => again.listen(app.port, '127.0.0.1', resolve));
    const green = await host.waitForChange(shareId, 'origin-reachable', 8000);
    expect(green.share.warnings).toEqual([]);
  });
});
