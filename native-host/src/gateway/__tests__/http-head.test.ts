import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRequestHead, parseResponseHead } from '../http-head.js';

const MAX = 16 * 1024;
const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');

describe('parseRequestHead (issue 15: the gateway reads request heads itself, strictly)', () => {
  it('reads the request line, every header line as sent, and folds them as node:http does', () => {
    const head =
      'GET /a?b=1 HTTP/1.1\r\nHost: x.example\r\nAccept: text/html\r\naccept: */*\r\nCookie: a=1\r\nCOOKIE: b=2\r\nHost: other\r\nX-Empty:\r\n\r\n';
    const parsed = parseRequestHead(bytes(`${head}rest`), MAX);
    expect(parsed.kind).toBe('head');
    if (parsed.kind !== 'head') return;
    expect(parsed.head).toMatchObject({ method: 'GET', target: '/a?b=1', version: '1.1' });
    expect(parsed.head.rawHeaders).toEqual([
      'Host',
      'x.example',
      'Accept',
      'text/html',
      'accept',
      '*/*',
      'Cookie',
      'a=1',
      'COOKIE',
      'b=2',
      'Host',
      'other',
      'X-Empty',
      '',
    ]);
    expect(parsed.head.headers).toEqual({ host: 'x.example', accept: 'text/html, */*', cookie: 'a=1; b=2', 'x-empty': '' });
    // The body's first bytes are not the head's.
    expect(parsed.consumed).toBe(head.length);
  });

  it('keeps values byte for byte (latin1), trims only spaces and tabs', () => {
    const parsed = parseRequestHead(bytes('GET / HTTP/1.0\r\nX-A: \t caf\xe9\xa0 \r\n\r\n'), MAX);
    expect(parsed.kind === 'head' && parsed.head.headers['x-a']).toBe('caf\xe9\xa0');
    expect(parsed.kind === 'head' && parsed.head.version).toBe('1.0');
  });

  it('waits for the end of the head, and skips a blank line left after a previous body', () => {
    expect(parseRequestHead(bytes('GET / HTTP/1.1\r\nHost: a\r\n'), MAX)).toEqual({ kind: 'incomplete' });
    const parsed = parseRequestHead(bytes('\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n'), MAX);
    expect(parsed.kind === 'head' && parsed.consumed).toBe(29);
  });

  it('a head past the limit is 431, complete or not', () => {
    expect(parseRequestHead(bytes(`GET / HTTP/1.1\r\nX: ${'a'.repeat(100)}`), 64)).toMatchObject({ kind: 'error', status: 431 });
    expect(parseRequestHead(bytes(`GET / HTTP/1.1\r\nX: ${'a'.repeat(100)}\r\n\r\n`), 64)).toMatchObject({ kind: 'error', status: 431 });
  });

  it.each([
    ['a bare LF between lines', 'GET / HTTP/1.1\nHost: a\r\n\r\n'],
    ['a bare CR in a value', 'GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n'],
    ['a folded header line', 'GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n'],
    ['a space before the colon', 'GET / HTTP/1.1\r\nHost : a\r\n\r\n'],
    ['a line without a colon', 'GET / HTTP/1.1\r\nHost\r\n\r\n'],
    ['an empty name', 'GET / HTTP/1.1\r\n: a\r\n\r\n'],
    ['a NUL in a value', 'GET / HTTP/1.1\r\nX: a\x00b\r\n\r\n'],
    ['HTTP/2.0', 'GET / HTTP/2.0\r\nHost: a\r\n\r\n'],
    ['HTTP/0.9 style', 'GET /\r\n\r\n'],
    ['a space in the target', 'GET /a b HTTP/1.1\r\nHost: a\r\n\r\n'],
    ['two spaces', 'GET  / HTTP/1.1\r\nHost: a\r\n\r\n'],
    ['a method with a slash', 'G/ET / HTTP/1.1\r\nHost: a\r\n\r\n'],
    ['a method node:http does not know (what a short body leaves before the next request)', 'aGET / HTTP/1.1\r\nHost: a\r\n\r\n'],
    ['a method in lower case', 'get / HTTP/1.1\r\nHost: a\r\n\r\n'],
    ['a control character in the target', 'GET /\x01 HTTP/1.1\r\nHost: a\r\n\r\n'],
  ])('refuses %s with 400', (_what, text) => {
    expect(parseRequestHead(bytes(text), MAX)).toMatchObject({ kind: 'error', status: 400 });
  });

  it('fuzz: never throws; whatever it accepts, it reads the same in any split of the bytes', () => {
    const chars = fc.constantFrom('G', 'E', 'T', ' ', '/', 'H', 'P', '1', '.', ':', 'a', '\r', '\n', '\t', '\x00', '\xe9', 'x');
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 80 }), fc.nat(200), (parts, cut) => {
        const text = `GET / HTTP/1.1\r\n${parts.join('')}\r\n\r\n`;
        const whole = parseRequestHead(bytes(text), 256);
        const at = cut % (text.length + 1);
        const first = parseRequestHead(bytes(text.slice(0, at)), 256);
        if (first.kind === 'head') expect(first.consumed).toBeLessThanOrEqual(at);
        if (whole.kind === 'head') {
          expect(whole.head.rawHeaders.length % 2).toBe(0);
          for (const value of whole.head.rawHeaders) for (const bad of ['\r', '\n', '\0']) expect(value.includes(bad)).toBe(false);
        }
      }),
    );
  });
});

describe('parseResponseHead', () => {
  it('reads the status line and headers', () => {
    const head = 'HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n';
    const parsed = parseResponseHead(bytes(`${head}abc`), MAX);
    expect(parsed).toMatchObject({ kind: 'head', consumed: head.length, head: { status: 404, reason: 'Not Found', version: '1.1' } });
    expect(parsed.kind === 'head' && parsed.head.headers['set-cookie']).toEqual(['a=1', 'b=2']);
  });

  it('accepts an empty reason and HTTP/1.0', () => {
    expect(parseResponseHead(bytes('HTTP/1.0 200\r\n\r\n'), MAX)).toMatchObject({
      kind: 'head',
      head: { status: 200, reason: '', version: '1.0' },
    });
  });

  it.each([
    ['no status', 'HTTP/1.1 OK\r\n\r\n'],
    ['a status of two digits', 'HTTP/1.1 20 OK\r\n\r\n'],
    ['not HTTP', 'SSH-2.0-OpenSSH\r\n\r\n'],
    ['a bare LF', 'HTTP/1.1 200 OK\nContent-Length: 1\r\n\r\n'],
  ])('refuses %s', (_what, text) => {
    expect(parseResponseHead(bytes(text), MAX)).toMatchObject({ kind: 'error' });
  });
});
