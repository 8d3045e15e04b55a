import { describe, expect, it } from 'vitest';
import { originKeepsAlive, responseFraming, visitorKeepsAlive } from '../response-framing.js';

function framing(method: string, status: number, raw: string[]) {
  const headers: Record<string, string> = {};
  for (let i = 0; i < raw.length; i += 2) headers[raw[i]!.toLowerCase()] ??= raw[i + 1]!;
  return responseFraming(method, status, headers, raw);
}

describe('responseFraming (issue 15: every response framed exactly once toward the visitor)', () => {
  it.each([
    ['HEAD, whatever the length says', 'HEAD', 200, ['Content-Length', '10'], { kind: 'none' }],
    ['204', 'GET', 204, [], { kind: 'none' }],
    ['304 with a length', 'GET', 304, ['Content-Length', '10'], { kind: 'none' }],
    ['100 Continue', 'POST', 100, [], { kind: 'none' }],
    ['a length', 'GET', 200, ['Content-Length', '10'], { kind: 'length', length: 10 }],
    ['the same length twice', 'GET', 200, ['Content-Length', '10', 'content-length', '10'], { kind: 'length', length: 10 }],
    ['chunked', 'GET', 200, ['Transfer-Encoding', 'chunked'], { kind: 'chunked' }],
    ['neither: to the close', 'GET', 200, [], { kind: 'close' }],
  ])('%s', (_what, method, status, raw, expected) => {
    expect(framing(method, status, raw)).toEqual({ ok: true, framing: expected });
  });

  it.each([
    ['a length and chunked', ['Content-Length', '3', 'Transfer-Encoding', 'chunked']],
    ['two lengths', ['Content-Length', '3', 'Content-Length', '4']],
    ['a length that is no number', ['Content-Length', '3 4']],
    ['gzip, chunked', ['Transfer-Encoding', 'gzip, chunked']],
  ])('refuses %s', (_what, raw) => {
    expect(framing('GET', 200, raw).ok).toBe(false);
  });

  it('keep-alive: HTTP/1.1 unless close, HTTP/1.0 only when asked', () => {
    expect(originKeepsAlive('1.1', {})).toBe(true);
    expect(originKeepsAlive('1.1', { connection: 'Close' })).toBe(false);
    expect(originKeepsAlive('1.0', {})).toBe(false);
    expect(originKeepsAlive('1.0', { connection: 'keep-alive' })).toBe(true);
    expect(visitorKeepsAlive('1.1', { connection: 'keep-alive, close' })).toBe(false);
    expect(visitorKeepsAlive('1.0', { connection: 'keep-alive' })).toBe(false);
  });
});
