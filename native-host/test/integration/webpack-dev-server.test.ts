/**
 * webpack-dev-server 5 and 6 from npm behind a share (issue 11): the bundle a visitor gets through
 * the public address carries a hot-reload client that dials the page's own host and port (port 0),
 * not the dev server's 8080-style port, which Cloudflare does not serve. The bundle is served
 * gzip-compressed, as webpack-dev-server does by default. Through the built host and the fake edge.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { OkReply } from '../../src/protocol/index.js';
import { EdgeRouter } from '../fake-cloudflared/edge-router.js';
import { fetchThroughEdge, waitForFakeState } from '../fake-cloudflared/state.js';
import { HostDriver } from '../host-driver.js';

const require = createRequire(import.meta.url);
const fakeCloudflared = inject('fakeCloudflared');
const hosts: HostDriver[] = [];
const stops: (() => Promise<unknown>)[] = [];
let router: EdgeRouter;

beforeAll(async () => {
  router = await EdgeRouter.start();
});
afterAll(() => router.close());
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.dispose()));
  for (const stop of stops.splice(0)) await stop();
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface DevServer {
  start(): Promise<void>;
  stop(): Promise<void>;
}

async function startDevServer(major: 5 | 6): Promise<number> {
  const root = mkdtempSync(join(tmpdir(), `porthole-wds${major}-`));
  writeFileSync(join(root, 'index.js'), 'document.title = "webpack through porthole";\n');
  const webpack = require('webpack') as (config: object) => unknown;
  const Server = require(`webpack-dev-server-${major}`) as new (options: object, compiler: unknown) => DevServer;
  const port = await freePort();
  const compiler = webpack({
    mode: 'development',
    context: root,
    entry: './index.js',
    infrastructureLogging: { level: 'none' },
    stats: 'none',
  });
  // Default options but the port: the client entry then says hostname 0.0.0.0 and this port, and the bundle goes out gzip-compressed.
  const server = new Server({ port, hot: true }, compiler);
  await server.start();
  stops.push(() => server.stop());
  return port;
}

/** The query the hot-reload client reads (`__resourceQuery`, inside eval with the default devtool). */
function clientQuery(script: string): URLSearchParams {
  const found = /__resourceQuery = \\?"\?([^"\\]+)\\?"/.exec(script);
  if (found === null) throw new Error('the bundle has no client entry');
  return new URLSearchParams(found[1]);
}

describe.each([5, 6] as const)('webpack-dev-server %i through a share', (major) => {
  it('the visitor’s bundle has a hot-reload client that follows the page (port 0), decompressed and re-framed', async () => {
    const port = await startDevServer(major);
    const direct = await fetch(`http://127.0.0.1:${port}/main.js`, { headers: { 'accept-encoding': 'gzip' } });
    const local = clientQuery(await direct.text());
    // What the developer's own tab gets is left alone: it talks to the dev server directly.
    expect(major === 5 ? local.get('port') : JSON.parse(local.get('url')!).port).toBe(major === 5 ? String(port) : port);

    const host = new HostDriver({ fakeCloudflared, router, env: { PORTHOLE_READY_POLL_MS: '100' } });
    hosts.push(host);
    const reply = await host.request<Extract<OkReply, { type: 'share' }>>({ type: 'share', origin: `http://localhost:${port}` });
    const live = await host.waitForChange(reply.share.id, 'live', 20_000);
    const fake = await waitForFakeState(host.fakeDir, (s) => s.url === live.share.url && s.registered);

    const bundle = await fetchThroughEdge(fake, '/main.js', { headers: { 'accept-encoding': 'gzip' } });
    expect(bundle.status).toBe(200);
    expect(bundle.headers['content-encoding']).toBeUndefined();
    expect(Number(bundle.headers['content-length'])).toBe(Buffer.byteLength(bundle.body));
    const query = clientQuery(bundle.body);
    if (major === 5) {
      expect(query.get('port')).toBe('0');
      expect(query.get('hostname')).toBe('0.0.0.0');
    } else {
      expect(JSON.parse(query.get('url')!)).toMatchObject({ port: 0, hostname: '0.0.0.0', pathname: '/ws' });
    }
    expect(bundle.body).toContain('webpack through porthole');
  });
});
