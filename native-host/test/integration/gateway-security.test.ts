/**
 * The gateway as an attacker on the public side sees it (issue 9): raw bytes in, and what the local
 * server parsed or the visitor got back out. The gateway runs in a process of its own
 * (test/gateway-harness), and every request carries the share's public Host, as cloudflared sends it.
 */
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { type GatewayProcess, gatewayScope, PUBLIC_HOST } from '../gateway-harness/gateway-driver.js';
import { basic, exchange, type RawResponse, ResponseReader } from '../gateway-harness/raw-http.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const { origin, gateway, socketTo } = gatewayScope(cleanups);

/** A request head as a visitor's bytes reach the gateway from cloudflared. */
function head(method: string, path: string, headers: string[] = [], visitor = '203.0.113.5'): string {
  return [
    `${method} ${path} HTTP/1.1`,
    `Host: ${PUBLIC_HOST}`,
    `Cf-Connecting-Ip: ${visitor}`,
    'X-Forwarded-Proto: https',
    ...headers,
    '',
    '',
  ].join('\r\n');
}

function chunked(text: string): string {
  return `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n0\r\n\r\n`;
}

/** What a visitor hides in a body, hoping the local server reads it as a request of its own. */
const SMUGGLED = `GET /smuggled HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n`;

describe('framing: every request reaches the local server framed exactly once', () => {
  for (const method of ['DELETE', 'OPTIONS']) {
    it(`${method} with Transfer-Encoding: chunked and no Content-Length arrives with its body, and nothing more`, async () => {
      const local = await origin();
      const gw = await gateway({ origin: local.origin });
      const socket = await socketTo(gw);
      const { response, reader } = await exchange(socket, head(method, '/item', ['Transfer-Encoding: chunked']) + chunked(SMUGGLED));
      expect(response?.status).toBe(200);
      // The next request on the same connection reuses the gateway's pooled connection to the origin.
      socket.write(head('GET', '/next'));
      expect((await reader.next())?.status).toBe(200);
      expect(local.seen.map((r) => `${r.method} ${r.url}`)).toEqual([`${method} /item`, 'GET /next']);
      expect(local.seen[0]?.body).toBe(SMUGGLED);
      expect(local.parseErrors).toBe(0);
    });
  }

  for (const [name, framing, body] of [
    ['content-length', `Content-Length: ${Buffer.byteLength(SMUGGLED)}`, SMUGGLED],
    ['transfer-encoding', 'Transfer-Encoding: chunked', chunked(SMUGGLED)],
  ] as const) {
    // Node's client chunks a POST without a length by itself, but writes a GET's or DELETE's body raw.
    for (const method of ['GET', 'DELETE', 'POST']) {
      it(`${method} with Connection: ${name} keeps its framing: the body arrives whole and is never parsed as a request`, async () => {
        const local = await origin();
        const gw = await gateway({ origin: local.origin });
        const socket = await socketTo(gw);
        const { response, reader } = await exchange(socket, head(method, '/form', [`Connection: keep-alive, ${name}`, framing]) + body);
        expect(response?.status).toBe(200);
        socket.write(head('GET', '/next'));
        expect((await reader.next())?.status).toBe(200);
        expect(local.seen.map((r) => `${r.method} ${r.url}`)).toEqual([`${method} /form`, 'GET /next']);
        expect(local.seen[0]?.body).toBe(SMUGGLED);
      });
    }
  }

  it('Connection: host does not drop Host: the local server still gets its own name', async () => {
    const local = await origin();
    const gw = await gateway({ origin: local.origin });
    const { response } = await exchange(await socketTo(gw), head('GET', '/', ['Connection: host']));
    expect(response?.status).toBe(200);
    expect(local.seen[0]?.headers.host).toBe(`127.0.0.1:${local.port}`);
  });

  it('a GET without a body is not given one, and a POST without a body goes with Content-Length: 0', async () => {
    const local = await origin();
    const gw = await gateway({ origin: local.origin });
    const socket = await socketTo(gw);
    const { reader } = await exchange(socket, head('GET', '/a'));
    socket.write(head('POST', '/b'));
    expect((await reader.next())?.status).toBe(200);
    expect(local.seen[0]?.headers['content-length']).toBeUndefined();
    expect(local.seen[0]?.headers['transfer-encoding']).toBeUndefined();
    expect(local.seen[1]?.headers['content-length']).toBe('0');
  });

  for (const [what, headers, body] of [
    ['Content-Length and Transfer-Encoding together', ['Content-Length: 5', 'Transfer-Encoding: chunked'], chunked('hello')],
    ['two different Content-Lengths', ['Content-Length: 5', 'Content-Length: 6'], 'hello!'],
    ['a Transfer-Encoding other than chunked', ['Transfer-Encoding: gzip, chunked'], chunked('hello')],
    ['Transfer-Encoding: identity', ['Transfer-Encoding: identity'], 'hello'],
    [
      'a WebSocket upgrade with a body',
      [
        'Connection: Upgrade',
        'Upgrade: websocket',
        'Sec-WebSocket-Version: 13',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        'Content-Length: 5',
      ],
      'hello',
    ],
  ] as const) {
    it(`ambiguous framing (${what}) gets 400 and the connection closes; the local server sees nothing`, async () => {
      const local = await origin();
      const gw = await gateway({ origin: local.origin });
      const { response, reader } = await exchange(await socketTo(gw), head('POST', '/x', [...headers]) + body + head('GET', '/after'));
      expect(response?.status).toBe(400);
      expect(await reader.waitForClose(5000)).toBe(true);
      expect(local.seen).toEqual([]);
    });
  }
});

describe('headers from the visitor are not trusted for what the gateway verified', () => {
  it('X-Forwarded-Host, -For, -Proto and Forwarded from the visitor are replaced, and redirects go to the verified host only', async () => {
    const local = await origin((seen, respond) =>
      seen.url === '/old' ? respond(302, '', { location: `http://127.0.0.1:${local.port}/new` }) : respond(200, 'ok'),
    );
    const gw = await gateway({ origin: local.origin });
    const spoof = [
      'X-Forwarded-Host: evil.example',
      'X-Forwarded-For: 10.9.8.7',
      'Forwarded: for=10.9.8.7;host=evil.example;proto=http',
      'X-Forwarded-Port: 1234',
    ];
    const { response, reader } = await exchange(await socketTo(gw).then((s) => s), head('GET', '/old', spoof, '198.51.100.20'));
    expect(response?.status).toBe(302);
    expect(response?.headers.location).toBe(`https://${PUBLIC_HOST}/new`);
    void reader;
    const seen = local.seen[0]!;
    expect(seen.headers['x-forwarded-host']).toBe(PUBLIC_HOST);
    expect(seen.headers['x-forwarded-for']).toBe('198.51.100.20');
    expect(seen.headers['x-forwarded-proto']).toBe('https');
    expect(seen.headers.forwarded).toBeUndefined();
    expect(seen.headers['x-forwarded-port']).toBeUndefined();
    expect(seen.rawHeaders.filter((name) => /^x-forwarded-host$/i.test(name))).toHaveLength(1);
  });
});

describe('cookies the local server sets for its own name (issue 11)', () => {
  it('a Set-Cookie with a loopback Domain reaches the visitor without it; other attributes and other Domains are untouched', async () => {
    const local = await origin();
    // CountingOrigin answers one header value per name: this app writes its cookies itself.
    local.server.removeAllListeners('request');
    local.server.on('request', (_req, res: import('node:http').ServerResponse) => {
      res.setHeader('set-cookie', [
        'a=1; Domain=localhost; Path=/; HttpOnly',
        'b=2; domain=.LOCALHOST',
        'c=3; Path=/; Domain=127.0.0.1; Secure',
        'd=4; Domain=[::1]',
        'e=5; Domain=example.com',
      ]);
      res.end('ok');
    });
    const gw = await gateway({ origin: local.origin });
    const socket = await socketTo(gw);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.write(head('GET', '/', ['Connection: close']));
    await new Promise((resolve) => socket.once('close', resolve));
    const lines = Buffer.concat(chunks)
      .toString('latin1')
      .split('\r\n')
      .filter((line) => /^set-cookie:/i.test(line));
    expect(lines.map((line) => line.replace(/^set-cookie:\s*/i, ''))).toEqual([
      'a=1; Path=/; HttpOnly',
      'b=2',
      'c=3; Path=/; Secure',
      'd=4',
      'e=5; Domain=example.com',
    ]);
  });
});

/** Sends wrong passwords on one connection until the gateway stops answering 401; returns that answer and how many it took. */
async function guessUntilRefused(gw: GatewayProcess, visitor: string, limit = 200): Promise<{ refused: RawResponse; attempts: number }> {
  const socket = await socketTo(gw);
  const reader = new ResponseReader(socket);
  for (let attempt = 1; attempt <= limit; attempt++) {
    socket.write(head('GET', '/secret', [`Authorization: ${basic(`wrong-guess-${attempt}`)}`], visitor));
    const response = await reader.next();
    if (response === null) throw new Error('the gateway closed the connection');
    if (response.status !== 401) return { refused: response, attempts: attempt };
  }
  throw new Error(`${limit} wrong guesses, all answered 401`);
}

describe('the share password holds', () => {
  it('wrong guesses from one visitor get 429 with Retry-After, even with the right password; another visitor with the right one gets in at once', async () => {
    const local = await origin();
    const gw = await gateway({ origin: local.origin, password: 'correct horse battery' });
    const { refused, attempts } = await guessUntilRefused(gw, '203.0.113.66');
    expect(refused.status).toBe(429);
    expect(attempts).toBeLessThanOrEqual(11);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);

    // The locked-out visitor's next try is not even checked.
    const again = await exchange(
      await socketTo(gw),
      head('GET', '/secret', [`Authorization: ${basic('correct horse battery')}`], '203.0.113.66'),
    );
    expect(again.response?.status).toBe(429);
    expect(local.seen).toEqual([]);

    const other = await exchange(
      await socketTo(gw),
      head('GET', '/secret', [`Authorization: ${basic('correct horse battery')}`], '198.51.100.7'),
    );
    expect(other.response?.status).toBe(200);
    expect(local.seen.map((r) => r.url)).toEqual(['/secret']);
    expect(local.seen[0]?.headers.authorization).toBeUndefined();
  });

  it('the delays grow: the second lock-out is longer than the first', async () => {
    const local = await origin();
    const gw = await gateway({ origin: local.origin, password: 'correct horse battery' });
    const first = await guessUntilRefused(gw, '203.0.113.67');
    const firstWait = Number(first.refused.headers['retry-after']);
    await new Promise((resolve) => setTimeout(resolve, firstWait * 1000 + 100));
    const second = await guessUntilRefused(gw, '203.0.113.67');
    expect(second.attempts).toBe(2);
    expect(Number(second.refused.headers['retry-after'])).toBeGreaterThan(firstWait);
  });

  it('setting a password closes every WebSocket and keep-alive connection that came in without it', async () => {
    const local = await origin();
    const sockets = new WebSocketServer({ server: local.server });
    sockets.on('connection', (ws) => ws.on('message', (data: WebSocket.RawData) => ws.send(`echo ${data.toString()}`)));
    cleanups.push(() => sockets.close());
    const gw = await gateway({ origin: local.origin });

    const ws = new WebSocket(`ws://127.0.0.1:${gw.port}/live`, { headers: { host: PUBLIC_HOST, 'cf-connecting-ip': '203.0.113.9' } });
    cleanups.push(() => ws.terminate());
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const wsClosed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
    ws.send('hi');
    expect(await new Promise<string>((resolve) => ws.once('message', (data: WebSocket.RawData) => resolve(data.toString())))).toBe(
      'echo hi',
    );

    const keepAlive = await socketTo(gw);
    const { response, reader } = await exchange(keepAlive, head('GET', '/page'));
    expect(response?.status).toBe(200);

    await gw.configure({ password: 'a new password' });
    await wsClosed;
    expect(await reader.waitForClose(5000)).toBe(true);

    // And what comes in without it now is refused.
    const refused = await exchange(await socketTo(gw), head('GET', '/page'));
    expect(refused.response?.status).toBe(401);
  });

  it('changing the password closes the connections that came in with the old one too', async () => {
    const local = await origin();
    const gw = await gateway({ origin: local.origin, password: 'the first password' });
    const keepAlive = await socketTo(gw);
    const { response, reader } = await exchange(keepAlive, head('GET', '/page', [`Authorization: ${basic('the first password')}`]));
    expect(response?.status).toBe(200);
    await gw.configure({ password: 'the second password' });
    expect(await reader.waitForClose(5000)).toBe(true);
  });
});

describe('the sign-in page', () => {
  const PASSWORD = 'correct horse battery';

  async function signIn(gw: GatewayProcess, password: string, next: string, visitor = '203.0.113.30'): Promise<RawResponse> {
    const form = `password=${encodeURIComponent(password)}&next=${encodeURIComponent(next)}`;
    const { response } = await exchange(
      await socketTo(gw),
      head(
        'POST',
        '/.well-known/porthole/sign-in',
        ['Content-Type: application/x-www-form-urlencoded', `Content-Length: ${Buffer.byteLength(form)}`, 'Accept: text/html'],
        visitor,
      ) + form,
    );
    return response!;
  }

  it('a browser gets an HTML sign-in form, not the basic-auth prompt; scripts still get the basic-auth challenge', async () => {
    const local = await origin();
    const gw = await gateway({ origin: local.origin, password: PASSWORD });
    const page = (await exchange(await socketTo(gw), head('GET', '/docs?page=2', ['Accept: text/html,application/xhtml+xml,*/*;q=0.8'])))
      .response!;
    expect(page.status).toBe(401);
    expect(page.headers['www-authenticate'] ?? '').not.toMatch(/basic/i);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toMatch(/<form[^>]+method="post"[^>]+action="\/\.well-known\/porthole\/sign-in"/);
    expect(page.body).toMatch(/<label for="password"/);
    expect(page.body).toContain('value="/docs?page=2"');
    // Not to be framed by another site (a password form inside someone else's page), no script.
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);

    const script = (await exchange(await socketTo(gw), head('GET', '/api', ['Accept: */*']))).response!;
    expect(script.status).toBe(401);
    expect(script.headers['www-authenticate']).toMatch(/^Basic realm="Porthole share"/);
    expect(local.seen).toEqual([]);
  });

  it('the right password sets a signed HttpOnly; Secure; SameSite=Lax cookie and goes back to the page; the cookie never reaches the local server', async () => {
    const local = await origin();
    const gw = await gateway({ origin: local.origin, password: PASSWORD });
    const wrong = await signIn(gw, 'not it', '/docs');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatch(/role="alert"[^>]*>[^<]*not right/);
    expect(wrong.headers['set-cookie']).toBeUndefined();

    const right = await signIn(gw, PASSWORD, '/docs?page=2');
    expect(right.status).toBe(303);
    expect(right.headers.location).toBe('/docs?page=2');
    const setCookie = right.headers['set-cookie'] ?? '';
    expect(setCookie).toMatch(/^porthole_share=[A-Za-z0-9_-]{20,};/);
    for (const attribute of ['HttpOnly', 'Secure', 'SameSite=Lax', 'Path=/']) expect(setCookie).toContain(attribute);
    const cookie = setCookie.split(';')[0]!;

    const page = (
      await exchange(await socketTo(gw), head('GET', '/docs?page=2', [`Cookie: theme=dark; ${cookie}; session=abc`, 'Accept: text/html']))
    ).response!;
    expect(page.status).toBe(200);
    expect(local.seen[0]?.headers.cookie).toBe('theme=dark; session=abc');

    // The cookie opens WebSockets too (a dev server's hot reload); without it they are refused.
    const sockets = new WebSocketServer({ server: local.server });
    cleanups.push(() => sockets.close());
    const upgrade = (headers: Record<string, string>) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${gw.port}/hmr`, { headers: { host: PUBLIC_HOST, ...headers } });
        ws.once('open', () => {
          ws.terminate();
          resolve(101);
        });
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('error', () => resolve(-1));
      });
    expect(await upgrade({ cookie })).toBe(101);
    expect(await upgrade({})).toBe(401);

    // A forged cookie is not one.
    const forged = (await exchange(await socketTo(gw), head('GET', '/x', [`Cookie: porthole_share=${'A'.repeat(43)}`]))).response!;
    expect(forged.status).toBe(401);

    // A new password signs everyone out.
    await gw.configure({ password: 'another password' });
    const after = (await exchange(await socketTo(gw), head('GET', '/docs', [`Cookie: ${cookie}`, 'Accept: text/html']))).response!;
    expect(after.status).toBe(401);
  });

  for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)', '/%0d%0aSet-Cookie:x=1']) {
    it(`never redirects off the share (next=${next})`, async () => {
      const local = await origin();
      const gw = await gateway({ origin: local.origin, password: PASSWORD });
      const right = await signIn(gw, PASSWORD, next);
      expect(right.status).toBe(303);
      const location = right.headers.location ?? '';
      expect(location.startsWith('/')).toBe(true);
      expect(location.startsWith('//')).toBe(false);
      expect(location).not.toMatch(/[\\\r\n]/);
      expect(new URL(location, `https://${PUBLIC_HOST}`).host).toBe(PUBLIC_HOST);
    });
  }

  it('a sign-in posted by another site is refused and costs the visitor nothing', async () => {
    const local = await origin();
    const gw = await gateway({ origin: local.origin, password: PASSWORD });
    const form = 'password=guess&next=%2F';
    for (let i = 0; i < 12; i++) {
      const { response } = await exchange(
        await socketTo(gw),
        head(
          'POST',
          '/.well-known/porthole/sign-in',
          ['Origin: https://evil.example', 'Content-Type: application/x-www-form-urlencoded', `Content-Length: ${form.length}`],
          '203.0.113.32',
        ) + form,
      );
      expect(response?.status).toBe(403);
    }
    const own = `password=${encodeURIComponent(PASSWORD)}&next=%2F`;
    const { response } = await exchange(
      await socketTo(gw),
      head(
        'POST',
        '/.well-known/porthole/sign-in',
        [`Origin: https://${PUBLIC_HOST}`, 'Content-Type: application/x-www-form-urlencoded', `Content-Length: ${own.length}`],
        '203.0.113.32',
      ) + own,
    );
    expect(response?.status).toBe(303);
  });

  it('wrong passwords through the form count as guesses too', async () => {
    const local = await origin();
    const gw = await gateway({ origin: local.origin, password: PASSWORD });
    let last: RawResponse | null = null;
    for (let attempt = 0; attempt < 12 && last?.status !== 429; attempt++) last = await signIn(gw, `guess ${attempt}`, '/', '203.0.113.31');
    expect(last?.status).toBe(429);
    expect(last?.headers['content-type']).toMatch(/text\/html/);
    expect(last?.body).toMatch(/try again in \d+ second/i);
  });
});

describe('resource limits', () => {
  it('1,000 slow or idle connections from one visitor do not stop another visitor from loading the page (descriptor limit 1024)', async () => {
    const local = await origin((seen, respond) => respond(200, `page for ${seen.headers['cf-connecting-ip']}`));
    const gw = await gateway({ origin: local.origin, fdLimit: 1024 });
    const slow: Socket[] = [];
    cleanups.push(() => {
      for (const socket of slow) socket.destroy();
    });
    for (let i = 0; i < 1000; i++) {
      const socket = await gw.connect().catch(() => null);
      if (socket === null) continue;
      socket.on('error', () => {});
      slow.push(socket);
      // Half of them send nothing at all; the other half a complete head, then a body that never
      // comes: the gateway would relay it and wait.
      if (i % 2 === 0) continue;
      socket.write(`${head('POST', `/upload/${i}`, ['Content-Length: 1000000'], '203.0.113.99')}x`);
    }
    const other = await gw.connect();
    cleanups.push(() => other.destroy());
    const { response } = await exchange(other, head('GET', '/', ['Accept: text/html'], '198.51.100.50'), 15_000);
    expect(response?.status).toBe(200);
    expect(response?.body).toBe('page for 198.51.100.50');
  }, 60_000);

  it('headers larger than the limit get 431', async () => {
    const local = await origin();
    const gw = await gateway({ origin: local.origin });
    const { response } = await exchange(await socketTo(gw), head('GET', '/', [`X-Big: ${'a'.repeat(40_000)}`]));
    expect(response?.status).toBe(431);
    expect(local.seen).toEqual([]);
  });
});
