import { describe, expect, it } from 'vitest';
import { checkLoopbackOrigin, isLoopbackUrl, shareKeyOf } from '../loopback.js';

describe('checkLoopbackOrigin', () => {
  it.each([
    ['http://localhost:5173', 'http://localhost:5173', 5173],
    ['http://localhost:5173/some/path?q=1#x', 'http://localhost:5173', 5173],
    ['http://LOCALHOST:3000', 'http://localhost:3000', 3000],
    ['http://localhost', 'http://localhost', 80],
    ['https://localhost', 'https://localhost', 443],
    ['https://localhost:8443', 'https://localhost:8443', 8443],
    ['http://app.localhost:3000', 'http://app.localhost:3000', 3000],
    ['http://a.b.localhost:1', 'http://a.b.localhost:1', 1],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080', 8080],
    ['http://127.1.2.3:9', 'http://127.1.2.3:9', 9],
    ['http://[::1]:4000', 'http://[::1]:4000', 4000],
    ['http://[0:0:0:0:0:0:0:1]:4000', 'http://[::1]:4000', 4000],
    // The URL parser turns decimal and hex spellings into the dotted quad they mean.
    ['http://2130706433:3000', 'http://127.0.0.1:3000', 3000],
    ['http://0x7f.1:3000', 'http://127.0.0.1:3000', 3000],
    // A server on every interface is reachable on loopback: the address it prints stands for that.
    ['http://0.0.0.0:8000/', 'http://127.0.0.1:8000', 8000],
    ['http://[::]:8000/', 'http://[::1]:8000', 8000],
    ['http://0:8000/', 'http://127.0.0.1:8000', 8000],
  ])('accepts %s as %s', (input, origin, port) => {
    const result = checkLoopbackOrigin(input);
    expect(result).toMatchObject({ ok: true, value: { origin, port } });
  });

  it.each([
    ['http://example.com', 'not-loopback'],
    ['http://localhost.evil.com:3000', 'not-loopback'],
    ['http://127.0.0.1.nip.io', 'not-loopback'],
    ['http://localhostx:80', 'not-loopback'],
    ['http://0.0.0.1:3000', 'not-loopback'],
    ['http://constructor:3000', 'not-loopback'],
    ['http://192.168.1.10:3000', 'not-loopback'],
    ['http://10.0.0.1', 'not-loopback'],
    ['http://[::ffff:192.168.1.1]:80', 'not-loopback'],
    ['http://[::2]:80', 'not-loopback'],
    ['http://128.0.0.1', 'not-loopback'],
    ['ftp://localhost:21', 'not-loopback'],
    ['file:///etc/passwd', 'not-loopback'],
    ['javascript:alert(1)', 'not-loopback'],
    ['ws://localhost:3000', 'not-loopback'],
    ['http://user:pass@localhost:3000', 'bad-request'],
    ['localhost:3000', 'not-loopback'],
    ['not a url', 'bad-request'],
    ['', 'bad-request'],
  ])('refuses %s with %s', (input, code) => {
    const result = checkLoopbackOrigin(input);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.code).toBe(code);
      expect(result.message.length).toBeGreaterThan(20);
    }
  });

  it('names the refused host so the person sees why', () => {
    const result = checkLoopbackOrigin('http://example.com/');
    expect(!result.ok && result.message).toMatch(/example\.com is not this computer/);
  });

  it('isLoopbackUrl answers false for missing URLs', () => {
    expect(isLoopbackUrl(undefined)).toBe(false);
    expect(isLoopbackUrl('about:blank')).toBe(false);
    expect(isLoopbackUrl('http://localhost:1234/')).toBe(true);
  });
});

describe('names under .localhost', () => {
  it.each(['http://.localhost', 'http://a..localhost', 'http://-a.localhost'])(
    'refuses the malformed name %s (found by fuzzing)',
    (input) => {
      expect(checkLoopbackOrigin(input).ok).toBe(false);
    },
  );
});

describe('shareKeyOf: which share serves a URL', () => {
  it.each([
    // The loopback names of one server on one scheme and port: one share.
    ['http://localhost:3000/a?b#c', 'http://localhost:3000'],
    ['http://127.0.0.1:3000', 'http://localhost:3000'],
    ['http://[::1]:3000/x', 'http://localhost:3000'],
    ['http://0.0.0.0:3000/', 'http://localhost:3000'],
    ['http://[::]:3000', 'http://localhost:3000'],
    ['http://LOCALHOST:3000', 'http://localhost:3000'],
    ['http://[0:0:0:0:0:0:0:1]:3000', 'http://localhost:3000'],
    ['http://2130706433:3000', 'http://localhost:3000'],
    ['http://localhost', 'http://localhost:80'],
    ['http://127.0.0.1:80', 'http://localhost:80'],
    // Another scheme or port is another server.
    ['https://localhost:3000', 'https://localhost:3000'],
    ['https://127.0.0.1', 'https://localhost:443'],
    ['http://localhost:3001', 'http://localhost:3001'],
    // A *.localhost name is a server of its own: servers route by it.
    ['http://app.localhost:3000', 'http://app.localhost:3000'],
    ['http://API.app.localhost:3000/', 'http://api.app.localhost:3000'],
    // So is another 127.x address: a server may bind it alone.
    ['http://127.0.0.2:3000', 'http://127.0.0.2:3000'],
    // Not shared at all.
    ['http://example.com:3000', null],
    ['http://192.168.1.2:3000', null],
    ['http://user:pw@localhost:3000', null],
    ['not a url', null],
  ])('%s → %s', (input, key) => {
    expect(shareKeyOf(input)).toBe(key);
  });
});
