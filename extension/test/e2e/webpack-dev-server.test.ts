/**
 * webpack-dev-server 5 and 6 from npm, shared, visited in real Chromium through an edge stand-in
 * that serves TLS only on Cloudflare's ports (issue 11): the page loads from
 * https://<name>.trycloudflare.com, its hot-reload WebSocket connects, and an edit reaches the
 * visitor. The public name resolves to 127.0.0.2, where only the TLS edge listens (443, 2053, 2083,
 * 2087, 2096, 8443); the dev server listens on 127.0.0.1 alone, so a client that dialled the dev
 * server's own port on the public name would find nothing, as on the internet.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { shareForBrowserVisitor } from './tls-edge.js';

const require = createRequire(import.meta.url);
const fakeCloudflared = inject('fakeCloudflared');
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface DevServer {
  start(): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.each([5, 6] as const)('webpack-dev-server %i shared, in Chromium through a TLS edge', (major) => {
  it('the page loads over https, hot reload connects on the page’s own port, and an edit reaches the visitor', async () => {
    const root = mkdtempSync(join(tmpdir(), `porthole-e2e-wds${major}-`));
    const entry = join(root, 'index.js');
    writeFileSync(entry, 'document.title = "version one";\n');
    writeFileSync(
      join(root, 'index.html'),
      '<!doctype html><html><head><title>loading</title></head><body><script src="/main.js"></script></body></html>',
    );
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
    const devServer = new Server({ port, host: '127.0.0.1', hot: true, static: { directory: root, watch: false } }, compiler);
    await devServer.start();
    cleanups.push(() => devServer.stop());

    const { publicUrl, browser } = await shareForBrowserVisitor(fakeCloudflared, `http://localhost:${port}`, cleanups);
    const page = await browser.newPage();
    const sockets: string[] = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));
    await page.goto(`${publicUrl}/`);
    await page.waitForFunction(() => document.title === 'version one', undefined, { timeout: 15_000 });
    await expect.poll(() => sockets, { timeout: 10_000 }).toContain(`${publicUrl.replace(/^https/, 'wss')}/ws`);

    writeFileSync(entry, 'document.title = "version two";\n');
    await page.waitForFunction(() => document.title === 'version two', undefined, { timeout: 20_000 });
  });
});
