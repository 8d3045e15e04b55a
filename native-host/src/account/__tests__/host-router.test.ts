/**
 * The Host router in front of real gateways and origins, on raw sockets (the gateway's rule: what
 * it trusts is tested with the bytes a visitor could send). The router only picks where a request
 * goes; these check that it never sends one share's visitor to another, never lets two framings
 * through, and relays what cloudflared sends over one reused connection for several hostnames.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CountingOrigin, exchange } from '../../../test/gateway-harness/raw-http.js';
import { Gateway } from '../../gateway/gateway.js';
import { checkLoopbackOrigin } from '../../protocol/index.js';
import { HostRouter } from '../host-router.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function shareBehindRouter(router: HostRouter, hostname: string, password: string | null = null): Promise<CountingOrigin> {
  const origin = await CountingOrigin.start();
  const checked = checkLoopbackOrigin(origin.origin);
  if (!checked.ok) throw new Error('origin');
  const gateway = new Gateway({
    origin: checked.value,
    settings: { password, keepPublicHost: false },
    probeToken: 'probe-token-x',
    log: quiet,
  });
  const url = await gateway.listen();
  gateway.setPublicUrl(`https://${hostname}`);
  router.add(hostname, { host: '127.0.0.1', port: Number(new URL(url).port) });
  cleanups.push(() => {
    gateway.close();
    origin.close();
  });
  return origin;
}

async function startRouter(): Promise<{ router: HostRouter; port: number }> {
  const router = new HostRouter(quiet);
  const port = await router.listen(0);
  cleanups.push(() => router.close());
  return { router, port };
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
    cleanups.push(() => socket.destroy());
  });
}

describe('the Host router', () => {
  it('serves each hostname from its own share, on one reused connection as cloudflared sends them', async () => {
    const { router, port } = await startRouter();
    const alpha = await shareBehindRouter(router, 'alpha.example.com');
    const beta = await shareBehindRouter(router, 'beta.example.com');
    const socket = await open(port);
    const { response, reader } = await exchange(socket, 'GET /a HTTP/1.1\r\nHost: alpha.example.com\r\n\r\n');
    expect(response?.status).toBe(200);
    socket.write('GET /b HTTP/1.1\r\nHost: beta.example.com\r\n\r\n');
    expect((await reader.next())?.status).toBe(200);
    expect(alpha.seen.map((r) => r.url)).toEqual(['/a']);
    expect(beta.seen.map((r) => r.url)).toEqual(['/b']);
    // The gateway rewrote Host for the origin, as for a quick share.
    expect(alpha.seen[0]?.headers.host).toBe(`127.0.0.1:${alpha.port}`);
  });

  it('answers an unknown hostname with the "not shared right now" page and reaches no share', async () => {
    const { router, port } = await startRouter();
    const alpha = await shareBehindRouter(router, 'alpha.example.com');
    for (const host of ['gone.example.com', 'alpha.example.com.evil.net', 'example.com', '127.0.0.1']) {
      const { response } = await exchange(await open(port), `GET /secret HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      expect(response?.status, host).toBe(404);
      expect(response?.body).toContain('Not shared right now');
    }
    const missing = await exchange(await open(port), 'GET /secret HTTP/1.1\r\nConnection: close\r\n\r\n');
    expect(missing.response?.status).toBe(400);
    expect(alpha.seen).toEqual([]);
  });

  it('refuses a request with two framings before any share sees it (CL.TE)', async () => {
    const { router, port } = await startRouter();
    const alpha = await shareBehindRouter(router, 'alpha.example.com');
    const smuggled = 'GET /admin HTTP/1.1\r\nHost: alpha.example.com\r\n\r\n';
    const { response, reader } = await exchange(
      await open(port),
      `POST /form HTTP/1.1\r\nHost: alpha.example.com\r\nContent-Length: ${4 + smuggled.length}\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${smuggled}`,
    );
    expect(response?.status).toBe(400);
    expect(await reader.waitForClose(2000)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(alpha.seen).toEqual([]);
    expect(alpha.parseErrors).toBe(0);
  });

  it('sends a request to the share its Host names, whatever its target says, and keeps that share’s password', async () => {
    const { router, port } = await startRouter();
    const alpha = await shareBehindRouter(router, 'alpha.example.com', 'correct horse battery');
    const beta = await shareBehindRouter(router, 'beta.example.com');
    const { response } = await exchange(
      await open(port),
      'GET http://beta.example.com/x HTTP/1.1\r\nHost: alpha.example.com\r\nConnection: close\r\n\r\n',
    );
    expect(response?.status).toBe(401);
    expect(beta.seen).toEqual([]);
    expect(alpha.seen).toEqual([]);
  });

  it('relays a WebSocket upgrade to the share and pipes its bytes both ways', async () => {
    const { router, port } = await startRouter();
    const origin = await CountingOrigin.start();
    origin.server.on('upgrade', (_req, socket: Socket) => {
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
      socket.on('data', (chunk: Buffer) => socket.write(Buffer.concat([Buffer.from('echo:'), chunk])));
    });
    const checked = checkLoopbackOrigin(origin.origin);
    if (!checked.ok) throw new Error('origin');
    const gateway = new Gateway({
      origin: checked.value,
      settings: { password: null, keepPublicHost: false },
      probeToken: 't',
      log: quiet,
    });
    const url = await gateway.listen();
    gateway.setPublicUrl('https://ws.example.com');
    router.add('ws.example.com', { host: '127.0.0.1', port: Number(new URL(url).port) });
    cleanups.push(() => {
      gateway.close();
      origin.close();
    });
    const socket = await open(port);
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.write(
      'GET /hmr HTTP/1.1\r\nHost: ws.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    const deadline = Date.now() + 3000;
    while (!Buffer.concat(received).toString('latin1').includes('\r\n\r\n') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    expect(Buffer.concat(received).toString('latin1')).toMatch(/^HTTP\/1\.1 101 /);
    socket.write('ping');
    while (!Buffer.concat(received).toString('latin1').includes('echo:ping') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    expect(Buffer.concat(received).toString('latin1')).toContain('echo:ping');
  });

  it('forgets a stopped share at once; a new one of the same name is served', async () => {
    const { router, port } = await startRouter();
    const first = await shareBehindRouter(router, 'alpha.example.com');
    const target = router.table.lookup('alpha.example.com');
    if (target === null) throw new Error('no route');
    router.remove('alpha.example.com', target);
    const gone = await exchange(await open(port), 'GET / HTTP/1.1\r\nHost: alpha.example.com\r\nConnection: close\r\n\r\n');
    expect(gone.response?.status).toBe(404);
    const second = await shareBehindRouter(router, 'alpha.example.com');
    const back = await exchange(await open(port), 'GET /again HTTP/1.1\r\nHost: alpha.example.com\r\nConnection: close\r\n\r\n');
    expect(back.response?.status).toBe(200);
    expect(first.seen).toEqual([]);
    expect(second.seen.map((r) => r.url)).toEqual(['/again']);
  });
});
