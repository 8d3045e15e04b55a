/**
 * The relay that reads heads itself (issue 15), from raw bytes on both sides: requests pipelined or
 * cut into many TCP chunks, heads too large, chunked bodies with extensions and trailers; and every
 * way a local server frames (or breaks) a response — to the close, chunked, HEAD, 304, 100 Continue,
 * closing mid-body — with what the visitor's connection then gets: one framed answer each, in step
 * for the next request, or closed, never hung. Also the budget for scripts held for the
 * webpack-dev-server rewrite: memory stays bounded, and every script still arrives whole.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type GatewayProcess, gatewayScope, PUBLIC_HOST } from '../gateway-harness/gateway-driver.js';
import { exchange, ResponseReader } from '../gateway-harness/raw-http.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const { origin: countingOrigin, gateway, socketTo: rawSocketTo } = gatewayScope(cleanups);
const socketTo = (gw: GatewayProcess) => rawSocketTo(gw, { noDelay: true });

function head(method: string, path: string, headers: string[] = []): string {
  return [`${method} ${path} HTTP/1.1`, `Host: ${PUBLIC_HOST}`, 'Cf-Connecting-Ip: 203.0.113.5', ...headers, '', ''].join('\r\n');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface ScriptedRequest {
  head: string;
  body: Buffer;
  socket: Socket;
}

/**
 * A local server that answers with exactly the bytes a test scripts: it reads request heads (and
 * Content-Length bodies) itself and hands each to `answer`, which writes whatever it likes.
 */
class ScriptedOrigin {
  readonly requests: ScriptedRequest[] = [];
  connections = 0;

  private constructor(
    readonly server: Server,
    readonly port: number,
  ) {}

  static async start(answer: (request: ScriptedRequest) => void, onHead?: (head: string, socket: Socket) => void): Promise<ScriptedOrigin> {
    const sockets = new Set<Socket>();
    let origin: ScriptedOrigin | null = null;
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      if (origin !== null) origin.connections++;
      let buffer = Buffer.alloc(0);
      let current: { head: string; length: number } | null = null;
      socket.on('data', (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk]);
        for (;;) {
          if (current === null) {
            const end = buffer.indexOf('\r\n\r\n');
            if (end === -1) return;
            const text = buffer.subarray(0, end).toString('latin1');
            buffer = buffer.subarray(end + 4);
            current = { head: text, length: Number(/\r\ncontent-length: *(\d+)/i.exec(text)?.[1] ?? 0) };
            onHead?.(text, socket);
          }
          if (buffer.length < current.length) return;
          const request = { head: current.head, body: buffer.subarray(0, current.length), socket };
          buffer = buffer.subarray(current.length);
          current = null;
          origin?.requests.push(request);
          answer(request);
        }
      });
    });
    server.on('close', () => {
      for (const socket of sockets) socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = new ScriptedOrigin(server, (server.address() as { port: number }).port);
    cleanups.push(() => {
      for (const socket of sockets) socket.destroy();
      server.close();
    });
    return origin;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }
}

/** Answers `/next` (and anything not scripted) with a small framed page. */
function plain(request: ScriptedRequest): boolean {
  if (!request.head.startsWith('GET /next ')) return false;
  request.socket.write('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext');
  return true;
}

describe('requests as the relay reads them (issue 15)', () => {
  it('pipelined requests on one connection are each relayed once and answered in order', async () => {
    const local = await countingOrigin();
    const gw = await gateway({ origin: local.origin });
    const socket = await socketTo(gw);
    const reader = new ResponseReader(socket);
    socket.write(`${head('GET', '/one')}${head('HEAD', '/two')}${head('POST', '/three', ['Content-Length: 3'])}abc${head('GET', '/four')}`);
    expect((await reader.next())?.body).toBe('seen GET /one body=0');
    const second = await reader.next(5000, true);
    expect(second?.status).toBe(200);
    expect((await reader.next())?.body).toBe('seen POST /three body=3');
    expect((await reader.next())?.body).toBe('seen GET /four body=0');
    expect(local.seen.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /one', 'HEAD /two', 'POST /three', 'GET /four']);
    expect(local.parseErrors).toBe(0);
  });

  it('a head cut into one-byte TCP chunks is read whole, and so is its body', async () => {
    const local = await countingOrigin();
    const gw = await gateway({ origin: local.origin });
    const socket = await socketTo(gw);
    const reader = new ResponseReader(socket);
    const bytes = `${head('PUT', '/slow', ['X-Long: a value that goes on', 'Content-Length: 5'])}hello`;
    for (const byte of bytes) {
      socket.write(byte);
      await sleep(1);
    }
    expect((await reader.next())?.body).toBe('seen PUT /slow body=5');
    expect(local.seen[0]?.headers['x-long']).toBe('a value that goes on');
    expect(local.seen[0]?.body).toBe('hello');
  });

  it('a head that grows past the limit without ending gets 431 and the connection closes; the local server sees nothing', async () => {
    const local = await countingOrigin();
    const gw = await gateway({ origin: local.origin });
    const socket = await socketTo(gw);
    const reader = new ResponseReader(socket);
    socket.write(`GET / HTTP/1.1\r\nHost: ${PUBLIC_HOST}\r\n`);
    for (let i = 0; i < 20 && !reader.closed; i++) {
      socket.write(`X-Filler-${i}: ${'a'.repeat(1000)}\r\n`);
      await sleep(5);
    }
    expect((await reader.next())?.status).toBe(431);
    expect(await reader.waitForClose(5000)).toBe(true);
    expect(local.seen).toEqual([]);
  });

  it('a chunked body with extensions and trailers reaches the local server as its data only, and the next request stays in step', async () => {
    const local = await countingOrigin();
    const gw = await gateway({ origin: local.origin });
    const socket = await socketTo(gw);
    const body = '5;name=value\r\nhello\r\n6;quoted="a b"\r\n world\r\n0\r\nX-Trailer: GET /smuggled HTTP/1.1\r\n\r\n';
    const { response, reader } = await exchange(socket, head('POST', '/upload', ['Transfer-Encoding: chunked']) + body);
    expect(response?.body).toBe('seen POST /upload body=11');
    socket.write(head('GET', '/next'));
    expect((await reader.next())?.status).toBe(200);
    expect(local.seen.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /upload', 'GET /next']);
    expect(local.seen[0]?.body).toBe('hello world');
    expect(local.parseErrors).toBe(0);
  });

  it('a chunked body that breaks its framing gets 400 and the connection closes; nothing after it reaches the local server', async () => {
    const local = await countingOrigin();
    const gw = await gateway({ origin: local.origin });
    const socket = await socketTo(gw);
    const smuggled = 'GET /smuggled HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n';
    const { response, reader } = await exchange(
      socket,
      `${head('POST', '/x', ['Transfer-Encoding: chunked'])}5\r\nhelloXX\r\n0\r\n\r\n${smuggled}`,
    );
    expect(response?.status).toBe(400);
    expect(await reader.waitForClose(5000)).toBe(true);
    await sleep(100);
    expect(local.seen.map((r) => r.url)).not.toContain('/smuggled');
    expect(local.parseErrors).toBe(0);
  });
});

describe('responses as the local server frames them (issue 15)', () => {
  it('a body that runs to the close reaches the visitor whole, re-framed, and the connection serves the next request', async () => {
    const local = await ScriptedOrigin.start((request) => {
      if (plain(request)) return;
      request.socket.end('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the server closes');
    });
    const gw = await gateway({ origin: local.origin });
    const socket = await socketTo(gw);
    const { response, reader } = await exchange(socket, head('GET', '/stream'));
    expect(response?.headers['transfer-encoding']).toBe('chunked');
    expect(response?.body).toBe('until the server closes');
    socket.write(head('GET', '/next'));
    expect((await reader.next())?.body).toBe('next');
  });

  it('a chunked response with extensions and trailers reaches the visitor as its data, and the local connection is reused', async () => {
    const local = await ScriptedOrigin.start((request) => {
      if (plain(request)) return;
      request.socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\nabcd\r\n3\r\nefg\r\n0\r\nX-Trailer: 1\r\n\r\n');
    });
    const gw = await gateway({ origin: local.origin });
    const socket = await socketTo(gw);
    const { response, reader } = await exchange(socket, head('GET', '/chunks'));
    expect(response?.body).toBe('abcdefg');
    expect(response?.headers['x-trailer']).toBeUndefined();
    socket.write(head('GET', '/next'));
    expect((await reader.next())?.body).toBe('next');
    expect(local.requests).toHaveLength(2);
    expect(new Set(local.requests.map((r) => r.socket)).size).toBe(1);
  });

  for (const [what, method, status] of [
    ['HEAD', 'HEAD', 200],
    ['304', 'GET', 304],
    ['204', 'DELETE', 204],
  ] as const) {
    it(`${what}: the Content-Length the local server names is passed on, no body is expected, and the next request stays in step`, async () => {
      const local = await ScriptedOrigin.start((request) => {
        if (plain(request)) return;
        request.socket.write(`HTTP/1.1 ${status} Whatever\r\nContent-Length: 1000\r\nETag: "x"\r\n\r\n`);
      });
      const gw = await gateway({ origin: local.origin });
      const socket = await socketTo(gw);
      const reader = new ResponseReader(socket);
      socket.write(head(method, '/thing'));
      const response = await reader.next(5000, true);
      expect(response?.status).toBe(status);
      expect(response?.headers['content-length']).toBe('1000');
      socket.write(head('GET', '/next'));
      const next = await reader.next();
      expect(next?.status).toBe(200);
      expect(next?.body).toBe('next');
    });
  }

  it('bytes a local server sends after a bodiless answer (a HEAD answered with a body) are never taken as the next answer', async () => {
    const local = await ScriptedOrigin.start((request) => {
      if (plain(request)) return;
      request.socket.write('HTTP/1.1 200 OK\r\nContent-Length: 37\r\n\r\n');
      // The stray body in a later read too.
      setTimeout(() => request.socket.write('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nevil'), 20);
    });
    const gw = await gateway({ origin: local.origin });
    const socket = await socketTo(gw);
    const reader = new ResponseReader(socket);
    socket.write(head('HEAD', '/thing'));
    expect((await reader.next(5000, true))?.status).toBe(200);
    socket.write(head('GET', '/next'));
    expect((await reader.next())?.body).toBe('next');
    // Asked on a new connection: the old one may still carry the stray bytes.
    expect(new Set(local.requests.map((r) => r.socket)).size).toBe(2);
  });

  it('100 Continue from the local server reaches the visitor before the final answer', async () => {
    const local = await ScriptedOrigin.start(
      (request) => request.socket.write(`HTTP/1.1 201 Created\r\nContent-Length: ${request.body.length}\r\n\r\n${request.body.toString()}`),
      (text, socket) => {
        if (/expect: 100-continue/i.test(text)) socket.write('HTTP/1.1 100 Continue\r\n\r\n');
      },
    );
    const gw = await gateway({ origin: local.origin });
    const socket = await socketTo(gw);
    const { response, reader } = await exchange(socket, head('PUT', '/file', ['Expect: 100-continue', 'Content-Length: 5']));
    expect(response?.status).toBe(100);
    socket.write('hello');
    const final = await reader.next();
    expect(final?.status).toBe(201);
    expect(final?.body).toBe('hello');
  });

  for (const [what, answer] of [
    ['a Content-Length body', 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b'],
    ['a chunked body', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n64\r\nonly ten b'],
  ] as const) {
    it(`the local server closing mid-way through ${what} closes the visitor's connection: never a hang, never a short answer taken as whole`, async () => {
      const local = await ScriptedOrigin.start((request) => {
        request.socket.write(answer);
        setTimeout(() => request.socket.destroy(), 50);
      });
      const gw = await gateway({ origin: local.origin });
      const socket = await socketTo(gw);
      const reader = new ResponseReader(socket);
      socket.write(head('GET', '/cut'));
      expect(await reader.waitForClose(5000)).toBe(true);
      expect(await reader.next(100)).toBeNull();
    });
  }

  it('a response framed two ways (Content-Length and chunked) is not relayed: the visitor gets the error page', async () => {
    const local = await ScriptedOrigin.start((request) => {
      request.socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n');
    });
    const gw = await gateway({ origin: local.origin });
    const { response } = await exchange(await socketTo(gw), head('GET', '/ambiguous'));
    expect(response?.status).toBe(502);
    expect(response?.body).toContain('did not answer properly');
  });

  it('a request waiting for 100 Continue that the gateway answers itself (the password) closes the connection: its body would be read as the next request', async () => {
    const local = await countingOrigin();
    const gw = await gateway({ origin: local.origin, password: 'correct horse' });
    const socket = await socketTo(gw);
    const { response, reader } = await exchange(socket, head('POST', '/upload', ['Expect: 100-continue', 'Content-Length: 20']));
    expect(response?.status).toBe(401);
    expect(await reader.waitForClose(5000)).toBe(true);
    expect(local.seen).toEqual([]);
  });

  it('an HTTP/1.0 visitor gets a body that runs to the close as it came, and the connection closes after it', async () => {
    const local = await ScriptedOrigin.start((request) => request.socket.end('HTTP/1.0 200 OK\r\n\r\nold style'));
    const gw = await gateway({ origin: local.origin });
    const socket = await socketTo(gw);
    const reader = new ResponseReader(socket);
    socket.write(`GET /old HTTP/1.0\r\nHost: ${PUBLIC_HOST}\r\n\r\n`);
    const response = await reader.next();
    expect(response?.headers['transfer-encoding']).toBeUndefined();
    expect(response?.body).toBe('old style');
    expect(reader.closed).toBe(true);
  });
});

describe("scripts that may carry webpack-dev-server's client, sent chunked", () => {
  const entry = 'webpack-dev-server/client/index.js?protocol=ws%3A&hostname=0.0.0.0&port=8080&pathname=%2Fws';
  for (const [what, text, expected] of [
    ['one with the client is rewritten and sent with its new length', `/* ${entry} */`, `/* ${entry.replace('port=8080', 'port=0')} */`],
    ['one without is sent as it came, chunked and complete', 'console.log("no client here")', 'console.log("no client here")'],
  ] as const) {
    it(what, async () => {
      const half = Math.floor(text.length / 2);
      const local = await ScriptedOrigin.start((request) => {
        if (plain(request)) return;
        const chunk = (part: string) => `${Buffer.byteLength(part).toString(16)}\r\n${part}\r\n`;
        request.socket.write(
          `HTTP/1.1 200 OK\r\nContent-Type: text/javascript\r\nTransfer-Encoding: chunked\r\n\r\n${chunk(text.slice(0, half))}`,
        );
        setTimeout(() => request.socket.write(`${chunk(text.slice(half))}0\r\n\r\n`), 30);
      });
      const gw = await gateway({ origin: local.origin });
      const socket = await socketTo(gw);
      const { response, reader } = await exchange(socket, head('GET', '/main.js'));
      expect(response?.body).toBe(expected);
      if (expected !== text) expect(response?.headers['content-length']).toBe(String(Buffer.byteLength(expected)));
      else expect(response?.headers['transfer-encoding']).toBe('chunked');
      socket.write(head('GET', '/next'));
      expect((await reader.next())?.body).toBe('next');
    });
  }
});

describe('scripts held for the webpack-dev-server rewrite (dev-client.ts) stay within a share-wide budget', () => {
  it('with more scripts in flight than the budget holds, memory stays bounded, and every script arrives whole: rewritten while it fits, as sent past it', async () => {
    const size = 1024 * 1024;
    const scripts = 10;
    const budget = 3 * size + 1000;
    const entry = 'webpack-dev-server/client/index.js?protocol=ws%3A&hostname=0.0.0.0&port=8080&pathname=%2Fws';
    const script = Buffer.alloc(size, 0x20);
    script.write(`/* ${entry} */`, 0, 'latin1');
    // The last bytes of every script wait until all requests have arrived and what fits is held.
    const tails: Socket[] = [];
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const local = await ScriptedOrigin.start((request) => {
      request.socket.write(`HTTP/1.1 200 OK\r\nContent-Type: application/javascript\r\nContent-Length: ${size}\r\n\r\n`);
      request.socket.write(script.subarray(0, size - 10));
      tails.push(request.socket);
      void released.then(() => request.socket.write(script.subarray(size - 10)));
    });
    const gw = await gateway({ origin: local.origin, heldScriptBudget: budget });
    const readers: ResponseReader[] = [];
    for (let i = 0; i < scripts; i++) {
      const socket = await socketTo(gw);
      readers.push(new ResponseReader(socket));
      socket.write(head('GET', `/bundle-${i}.js`));
    }
    // Until every request reached the local server and the gateway's holdings stop changing.
    let held = await gw.heldScripts();
    for (let stable = 0, i = 0; i < 100 && (tails.length < scripts || stable < 3); i++) {
      await sleep(100);
      const now = await gw.heldScripts();
      stable = now.current === held.current ? stable + 1 : 0;
      held = now;
    }
    expect(tails).toHaveLength(scripts);
    expect(held.budget).toBe(budget);
    expect(held.current).toBeGreaterThan(0);
    expect(held.peak).toBeLessThanOrEqual(budget);
    release();
    const responses = await Promise.all(readers.map((reader) => reader.next(15_000)));
    let rewritten = 0;
    let asSent = 0;
    for (const response of responses) {
      expect(response?.status).toBe(200);
      expect(Number(response?.headers['content-length'])).toBe(response?.body.length);
      if (response?.body.includes('port=0')) rewritten++;
      else if (response?.body.length === size && response.body.includes('port=8080')) asSent++;
    }
    expect(rewritten).toBeGreaterThan(0);
    expect(asSent).toBeGreaterThan(0);
    expect(rewritten + asSent).toBe(scripts);
    const after = await gw.heldScripts();
    expect(after.current).toBe(0);
    expect(after.peak).toBeLessThanOrEqual(budget);
  }, 60_000);
});
