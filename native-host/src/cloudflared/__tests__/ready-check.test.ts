import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { checkReady, splitMetricsAddress } from '../ready-check.js';

describe('splitMetricsAddress', () => {
  it.each([
    ['127.0.0.1:39391', { host: '127.0.0.1', port: 39391 }],
    ['[::1]:20241', { host: '::1', port: 20241 }],
    ['localhost:20241', { host: 'localhost', port: 20241 }],
    ['127.0.0.1', null],
    ['127.0.0.1:0', null],
    ['127.0.0.1:70000', null],
    ['::1:20241', null],
    ['a b:1', null],
  ])('%s', (address, expected) => {
    expect(splitMetricsAddress(address)).toEqual(expected);
  });
});

const servers: (Server | NetServer)[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

async function listen<T extends Server | NetServer>(server: T): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('checkReady, against real servers', () => {
  it('is true for 200 and false for 503, as cloudflared answers before and after registering', async () => {
    let status = 503;
    const paths: string[] = [];
    const address = await listen(
      createServer((req, res) => {
        paths.push(req.url ?? '');
        res.writeHead(status, { 'content-type': 'application/json' }).end('{"status":0}');
      }),
    );
    expect(await checkReady(address, 1000)).toBe(false);
    status = 200;
    expect(await checkReady(address, 1000)).toBe(true);
    expect(paths).toEqual(['/ready', '/ready']);
  });

  it('is false when nothing listens, when the answer is not HTTP, and when no answer comes in time', async () => {
    const closed = await listen(createNetServer());
    servers.pop()?.close();
    expect(await checkReady(closed, 1000)).toBe(false);
    expect(await checkReady(await listen(createNetServer((socket) => socket.end('SSH-2.0-OpenSSH\r\n'))), 1000)).toBe(false);
    expect(await checkReady(await listen(createNetServer(() => undefined)), 50)).toBe(false);
  });
});
