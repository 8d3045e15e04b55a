import { describe, expect, it } from 'vitest';
import { forwardedRequestHeaders, hopByHopResponseHeaders, isAllowedHost, publicOriginOf, rewriteLocation, type RequestHeaderContext } from '../headers.js';

const context: RequestHeaderContext = { originHost: 'localhost:5173', origin: 'http://localhost:5173', keepPublicHost: false, consumeAuthorization: false, peerAddress: '127.0.0.1', upgrade: false };
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
      'x-forwarded-for': '203.0.113.7, 127.0.0.1',
      'cf-connecting-ip': '203.0.113.7',
      accept: 'text/html',
      cookie: 'a=1; b=2',
    });
  });

  it('keeps the public Host when the share says so', () => {
    expect(forwardedRequestHeaders(fromCloudflared, { ...context, keepPublicHost: true }).host).toBe('sunny-otter-river-maple.trycloudflare.com');
  });

  it('keeps an X-Forwarded-Host set further up', () => {
    expect(forwardedRequestHeaders({ ...fromCloudflared, 'x-forwarded-host': 'first.example' }, context)['x-forwarded-host']).toBe('first.example');
  });

  it('says http when nobody said https (a request straight to the gateway)', () => {
    expect(forwardedRequestHeaders({ host: '127.0.0.1:4000' }, context)).toEqual({
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

  it('keeps Transfer-Encoding: the body is framed by it', () => {
    expect(forwardedRequestHeaders({ ...fromCloudflared, 'transfer-encoding': 'chunked' }, context)['transfer-encoding']).toBe('chunked');
  });

  it('passes Connection and Upgrade on for a WebSocket', () => {
    const headers = forwardedRequestHeaders({ ...fromCloudflared, connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-key': 'k' }, { ...context, upgrade: true });
    expect(headers).toMatchObject({ connection: 'upgrade', upgrade: 'websocket', 'sec-websocket-key': 'k', host: 'localhost:5173' });
  });

  it('keeps the visitor’s Authorization unless it answered the share’s password', () => {
    const visitor = { ...fromCloudflared, authorization: 'Bearer app-token' };
    expect(forwardedRequestHeaders(visitor, context).authorization).toBe('Bearer app-token');
    expect(forwardedRequestHeaders(visitor, { ...context, consumeAuthorization: true })).not.toHaveProperty('authorization');
  });

  it('maps the share’s own Origin to the origin’s, so same-origin stays same-origin after the Host rewrite', () => {
    expect(forwardedRequestHeaders({ ...fromCloudflared, origin: 'https://sunny-otter-river-maple.trycloudflare.com' }, context).origin).toBe('http://localhost:5173');
  });

  it('passes any other Origin as it is, so the dev server still refuses other sites', () => {
    expect(forwardedRequestHeaders({ ...fromCloudflared, origin: 'https://evil.example' }, context).origin).toBe('https://evil.example');
    expect(forwardedRequestHeaders({ ...fromCloudflared, origin: 'http://sunny-otter-river-maple.trycloudflare.com' }, context).origin).toBe('http://sunny-otter-river-maple.trycloudflare.com');
    expect(forwardedRequestHeaders({ ...fromCloudflared, origin: 'null' }, context).origin).toBe('null');
  });

  it('keeps the public Origin with the public Host', () => {
    expect(forwardedRequestHeaders({ ...fromCloudflared, origin: 'https://sunny-otter-river-maple.trycloudflare.com' }, { ...context, keepPublicHost: true }).origin).toBe('https://sunny-otter-river-maple.trycloudflare.com');
  });
});

describe('hopByHopResponseHeaders', () => {
  it('names the origin’s connection headers, not the end-to-end ones', () => {
    expect(hopByHopResponseHeaders({ connection: 'keep-alive, x-hop', 'keep-alive': 'timeout=5', 'x-hop': '1', 'content-type': 'text/html', 'transfer-encoding': 'chunked' }).sort()).toEqual(['connection', 'keep-alive', 'x-hop']);
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

  it('public origin from what cloudflared sent', () => {
    expect(publicOriginOf({ host: 'localhost:5173', 'x-forwarded-host': 'a.trycloudflare.com', 'x-forwarded-proto': 'https' })).toBe('https://a.trycloudflare.com');
    expect(publicOriginOf({ host: '127.0.0.1:9' })).toBe('http://127.0.0.1:9');
    expect(publicOriginOf({})).toBeNull();
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
