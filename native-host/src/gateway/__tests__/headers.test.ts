import { describe, expect, it } from 'vitest';
import {
  forwardedRequestHeaders,
  hopByHopResponseHeaders,
  isAllowedHost,
  publicOriginFor,
  type RequestHeaderContext,
  rewriteLocation,
} from '../headers.js';

const context: RequestHeaderContext = {
  originHost: 'localhost:5173',
  origin: 'http://localhost:5173',
  keepPublicHost: false,
  consumeAuthorization: false,
  upgrade: false,
  publicOrigin: { proto: 'https', host: 'sunny-otter-river-maple.trycloudflare.com' },
  visitorAddress: '203.0.113.7',
  framing: null,
  cookie: 'a=1; b=2',
};
/** What cloudflared sends the gateway for a visitor's request. */
const fromCloudflared = {
  host: 'sunny-otter-river-maple.trycloudflare.com',
  'x-forwarded-for': '203.0.113.7',
  'x-forwarded-proto': 'https',
  'cf-connecting-ip': '203.0.113.7',
  accept: 'text/html',
  cookie: 'a=1; b=2',
};

describe('forwardedRequestHeaders', () => {
  it('gives the origin its own Host and the public one as X-Forwarded-Host', () => {
    expect(forwardedRequestHeaders(fromCloudflared, context)).toEqual({
      host: 'localhost:5173',
      'x-forwarded-host': 'sunny-otter-river-maple.trycloudflare.com',
      'x-forwarded-proto': 'https',
      'x-forwarded-for': '203.0.113.7',
      'cf-connecting-ip': '203.0.113.7',
      accept: 'text/html',
      cookie: 'a=1; b=2',
    });
  });

  it('keeps the public Host when the share says so', () => {
    expect(forwardedRequestHeaders(fromCloudflared, { ...context, keepPublicHost: true }).host).toBe(
      'sunny-otter-river-maple.trycloudflare.com',
    );
  });

  it('replaces every X-Forwarded-* and Forwarded the visitor sent with what the gateway verified (issue 9)', () => {
    const spoofed = {
      ...fromCloudflared,
      'x-forwarded-host': 'evil.example',
      'x-forwarded-proto': 'http',
      'x-forwarded-for': '10.0.0.1',
      'x-forwarded-port': '1',
      forwarded: 'host=evil.example',
    };
    const headers = forwardedRequestHeaders(spoofed, context);
    expect(headers).toMatchObject({
      'x-forwarded-host': 'sunny-otter-river-maple.trycloudflare.com',
      'x-forwarded-proto': 'https',
      'x-forwarded-for': '203.0.113.7',
    });
    expect(headers).not.toHaveProperty('forwarded');
    expect(headers).not.toHaveProperty('x-forwarded-port');
  });

  it('says http for a request straight to the gateway', () => {
    expect(
      forwardedRequestHeaders(
        { host: '127.0.0.1:4000' },
        { ...context, publicOrigin: { proto: 'http', host: '127.0.0.1:4000' }, visitorAddress: '127.0.0.1', cookie: undefined },
      ),
    ).toEqual({
      host: 'localhost:5173',
      'x-forwarded-host': '127.0.0.1:4000',
      'x-forwarded-proto': 'http',
      'x-forwarded-for': '127.0.0.1',
    });
  });

  it.each([
    ['connection', 'keep-alive'],
    ['keep-alive', 'timeout=5'],
    ['proxy-connection', 'keep-alive'],
    ['proxy-authorization', 'Basic eDp5'],
    ['te', 'trailers'],
    ['trailer', 'x-checksum'],
    ['upgrade', 'h2c'],
  ])('drops the hop-by-hop header %s', (name, value) => {
    expect(forwardedRequestHeaders({ ...fromCloudflared, [name]: value }, context)).not.toHaveProperty(name);
  });

  it('drops headers the Connection header names', () => {
    const headers = forwardedRequestHeaders({ ...fromCloudflared, connection: 'close, X-Secret', 'x-secret': '1', 'x-kept': '2' }, context);
    expect(headers).not.toHaveProperty('x-secret');
    expect(headers['x-kept']).toBe('2');
  });

  it('frames the body as the gateway writes it, whatever the visitor sent', () => {
    const chunked = forwardedRequestHeaders(
      { ...fromCloudflared, 'transfer-encoding': 'chunked', 'content-length': '3' },
      { ...context, framing: { name: 'transfer-encoding', value: 'chunked' } },
    );
    expect(chunked['transfer-encoding']).toBe('chunked');
    expect(chunked).not.toHaveProperty('content-length');
    expect(forwardedRequestHeaders({ ...fromCloudflared, 'content-length': '3' }, context)).not.toHaveProperty('content-length');
  });

  it.each(['content-length', 'transfer-encoding', 'host'])('never drops %s because Connection names it (issue 9)', (name) => {
    const framing =
      name === 'transfer-encoding' ? ({ name, value: 'chunked' } as const) : ({ name: 'content-length', value: '5' } as const);
    const headers = forwardedRequestHeaders({ ...fromCloudflared, connection: `keep-alive, ${name}` }, { ...context, framing });
    expect(headers[name]).toBeDefined();
  });

  it('takes the share’s cookie out: the gateway gives the Cookie header it is told to', () => {
    expect(forwardedRequestHeaders({ ...fromCloudflared, cookie: 'porthole_share=x; a=1' }, { ...context, cookie: 'a=1' }).cookie).toBe(
      'a=1',
    );
    expect(
      forwardedRequestHeaders({ ...fromCloudflared, cookie: 'porthole_share=x' }, { ...context, cookie: undefined }),
    ).not.toHaveProperty('cookie');
  });

  it('passes Connection and Upgrade on for a WebSocket', () => {
    const headers = forwardedRequestHeaders(
      { ...fromCloudflared, connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-key': 'k' },
      { ...context, upgrade: true },
    );
    expect(headers).toMatchObject({ connection: 'upgrade', upgrade: 'websocket', 'sec-websocket-key': 'k', host: 'localhost:5173' });
  });

  it('keeps the visitor’s Authorization unless it answered the share’s password', () => {
    const visitor = { ...fromCloudflared, authorization: 'Bearer app-token' };
    expect(forwardedRequestHeaders(visitor, context).authorization).toBe('Bearer app-token');
    expect(forwardedRequestHeaders(visitor, { ...context, consumeAuthorization: true })).not.toHaveProperty('authorization');
  });

  it('maps the share’s own Origin to the origin’s, so same-origin stays same-origin after the Host rewrite', () => {
    expect(
      forwardedRequestHeaders({ ...fromCloudflared, origin: 'https://sunny-otter-river-maple.trycloudflare.com' }, context).origin,
    ).toBe('http://localhost:5173');
  });

  it('passes any other Origin as it is, so the dev server still refuses other sites', () => {
    expect(forwardedRequestHeaders({ ...fromCloudflared, origin: 'https://evil.example' }, context).origin).toBe('https://evil.example');
    expect(
      forwardedRequestHeaders({ ...fromCloudflared, origin: 'http://sunny-otter-river-maple.trycloudflare.com' }, context).origin,
    ).toBe('http://sunny-otter-river-maple.trycloudflare.com');
    expect(forwardedRequestHeaders({ ...fromCloudflared, origin: 'null' }, context).origin).toBe('null');
  });

  it('keeps the public Origin with the public Host', () => {
    expect(
      forwardedRequestHeaders(
        { ...fromCloudflared, origin: 'https://sunny-otter-river-maple.trycloudflare.com' },
        { ...context, keepPublicHost: true },
      ).origin,
    ).toBe('https://sunny-otter-river-maple.trycloudflare.com');
  });
});

describe('hopByHopResponseHeaders', () => {
  it('names the origin’s connection headers, not the end-to-end ones', () => {
    expect(
      hopByHopResponseHeaders({
        connection: 'keep-alive, x-hop',
        'keep-alive': 'timeout=5',
        'x-hop': '1',
        'content-type': 'text/html',
        'transfer-encoding': 'chunked',
      }).sort(),
    ).toEqual(['connection', 'keep-alive', 'x-hop']);
  });
});

describe('rewriteLocation', () => {
  const publicOrigin = 'https://a-b-c-d.trycloudflare.com';
  it.each([
    ['http://localhost:5173/next?x=1#top', 'https://a-b-c-d.trycloudflare.com/next?x=1#top'],
    ['http://127.0.0.1:5173/next', 'https://a-b-c-d.trycloudflare.com/next'],
    ['http://[::1]:5173/', 'https://a-b-c-d.trycloudflare.com/'],
    ['/relative', '/relative'],
    ['next', 'next'],
    ['http://localhost:3000/other-server', 'http://localhost:3000/other-server'],
    ['https://localhost:5173/other-scheme', 'https://localhost:5173/other-scheme'],
    ['https://github.com/login', 'https://github.com/login'],
    ['//localhost:5173/protocol-relative', '//localhost:5173/protocol-relative'],
  ])('%s → %s', (location, expected) => {
    expect(rewriteLocation(location, 'http://localhost:5173', publicOrigin)).toBe(expected);
  });

  it('leaves Location alone when the public origin is unknown', () => {
    expect(rewriteLocation('http://localhost:5173/x', 'http://localhost:5173', null)).toBe('http://localhost:5173/x');
  });

  it('public origin from the checked Host only: https for the public name, http for the gateway’s own address', () => {
    expect(publicOriginFor('a.trycloudflare.com', 'a.trycloudflare.com')).toEqual({ proto: 'https', host: 'a.trycloudflare.com' });
    expect(publicOriginFor('A.trycloudflare.com:443', 'a.trycloudflare.com')).toEqual({ proto: 'https', host: 'A.trycloudflare.com:443' });
    expect(publicOriginFor('127.0.0.1:9', 'a.trycloudflare.com')).toEqual({ proto: 'http', host: '127.0.0.1:9' });
  });
});

describe('isAllowedHost', () => {
  const name = 'sunny-otter-river-maple.trycloudflare.com';
  it.each([
    [name, true],
    ['Sunny-Otter-River-Maple.TryCloudflare.com', true],
    [`${name}:443`, true],
    [`${name}:8080`, false],
    ['127.0.0.1:4100', true],
    ['localhost:4100', true],
    ['[::1]:4100', true],
    ['127.0.0.1:4101', false],
    ['127.0.0.1', false],
    ['attacker.example:4100', false],
    ['other-name.trycloudflare.com', false],
    [undefined, false],
  ])('%s → %s', (host, expected) => {
    expect(isAllowedHost(host, name, 4100)).toBe(expected);
  });

  it('serves only loopback until the public name is known', () => {
    expect(isAllowedHost(name, null, 4100)).toBe(false);
    expect(isAllowedHost('127.0.0.1:4100', null, 4100)).toBe(true);
  });
});
