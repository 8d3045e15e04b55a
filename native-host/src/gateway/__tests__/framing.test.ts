import { describe, expect, it } from 'vitest';
import { checkFraming, outgoingFraming, type RequestLine } from '../framing.js';

function line(raw: string[], extra: Partial<RequestLine> = {}): RequestLine {
  const headers: Record<string, string> = {};
  for (let i = 0; i < raw.length; i += 2) headers[raw[i]!.toLowerCase()] ??= raw[i + 1]!;
  return { method: 'POST', httpVersion: '1.1', headers, rawHeaders: raw, upgrade: false, ...extra };
}

describe('checkFraming (issue 9: a body is framed exactly one way)', () => {
  it.each([
    ['no framing headers', [], { kind: 'none' }],
    ['a length', ['Content-Length', '12'], { kind: 'length', length: 12 }],
    ['the same length twice', ['Content-Length', '12', 'content-length', '12'], { kind: 'length', length: 12 }],
    ['chunked', ['Transfer-Encoding', 'chunked'], { kind: 'chunked' }],
    ['Chunked, any case', ['Transfer-Encoding', ' Chunked '], { kind: 'chunked' }],
  ])('accepts %s', (_what, raw, framing) => {
    expect(checkFraming(line(raw))).toEqual({ ok: true, framing });
  });

  it.each([
    ['a length and chunked', ['Content-Length', '3', 'Transfer-Encoding', 'chunked']],
    ['two different lengths', ['Content-Length', '3', 'Content-Length', '4']],
    ['a length that is no number', ['Content-Length', '3a']],
    ['a negative length', ['Content-Length', '-1']],
    ['gzip, chunked', ['Transfer-Encoding', 'gzip, chunked']],
    ['chunked twice', ['Transfer-Encoding', 'chunked', 'Transfer-Encoding', 'chunked']],
    ['identity', ['Transfer-Encoding', 'identity']],
  ])('refuses %s', (_what, raw) => {
    expect(checkFraming(line(raw)).ok).toBe(false);
  });

  it('refuses chunked in HTTP/1.0 and any body on an upgrade', () => {
    expect(checkFraming(line(['Transfer-Encoding', 'chunked'], { httpVersion: '1.0' })).ok).toBe(false);
    expect(checkFraming(line(['Content-Length', '5'], { upgrade: true })).ok).toBe(false);
    expect(checkFraming(line(['Transfer-Encoding', 'chunked'], { upgrade: true })).ok).toBe(false);
    expect(checkFraming(line(['Content-Length', '0'], { upgrade: true })).ok).toBe(true);
  });
});

describe('outgoingFraming', () => {
  it.each([
    ['DELETE', { kind: 'chunked' } as const, { name: 'transfer-encoding', value: 'chunked' }],
    ['GET', { kind: 'length', length: 4 } as const, { name: 'content-length', value: '4' }],
    ['GET', { kind: 'none' } as const, null],
    ['HEAD', { kind: 'none' } as const, null],
    ['DELETE', { kind: 'none' } as const, { name: 'content-length', value: '0' }],
    ['POST', { kind: 'none' } as const, { name: 'content-length', value: '0' }],
  ])('%s with %j → %j', (method, framing, expected) => {
    expect(outgoingFraming(method, framing)).toEqual(expected);
  });
});
