import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkedDecoder, frameChunk, LAST_CHUNK } from '../chunked.js';

/** Feeds `pieces` in turn; returns the data, where the body ended in the last piece, or the error. */
function decode(pieces: string[]): { data: string; end: number; done: boolean; error: string | null } {
  const decoder = new ChunkedDecoder();
  let data = '';
  let end = -1;
  for (const piece of pieces) {
    end = decoder.feed(Buffer.from(piece, 'latin1'), 0, (slice) => {
      data += slice.toString('latin1');
    });
    if (end === -1 || decoder.done) break;
  }
  return { data, end, done: decoder.done, error: decoder.error };
}

describe('ChunkedDecoder (issue 15: a chunked body read strictly, re-framed by the gateway)', () => {
  it('reads chunks, ignores extensions and trailers, and stops exactly at the end of the body', () => {
    const body = '5;name=value;x="a b"\r\nhello\r\n1 ;ext\r\n!\r\n0\r\nTrailer-One: 1\r\nTrailer-Two: 2\r\n\r\n';
    expect(decode([`${body}GET /next HTTP/1.1`])).toEqual({ data: 'hello!', end: body.length, done: true, error: null });
  });

  it('reads the same body cut into single bytes', () => {
    const body = 'a\r\n0123456789\r\n0\r\n\r\n';
    const result = decode([...body]);
    expect(result.data).toBe('0123456789');
    expect(result.done).toBe(true);
  });

  it.each([
    ['a size that is no hex', 'g\r\nx\r\n0\r\n\r\n'],
    ['no size', '\r\nx\r\n0\r\n\r\n'],
    ['a bare LF after the size', '1\nx\r\n0\r\n\r\n'],
    ['data longer than its size', '1\r\nxy\r\n0\r\n\r\n'],
    ['a size that overflows', 'ffffffffffffffffff\r\n'],
    ['a negative size', '-1\r\n'],
    ['a space inside the size', '1 0\r\n'],
    ['a bare LF in the trailer', '0\r\nX: 1\n\r\n'],
    ['a control character in an extension', '1;\x01\r\nx\r\n0\r\n\r\n'],
  ])('refuses %s', (_what, body) => {
    const result = decode([body]);
    expect(result.end).toBe(-1);
    expect(result.error).not.toBeNull();
  });

  it('bounds extensions and trailers', () => {
    expect(decode([`1;${'a'.repeat(5000)}\r\nx\r\n0\r\n\r\n`]).error).toMatch(/too long/);
    expect(decode([`0\r\n${'X: a\r\n'.repeat(4000)}\r\n`]).error).toMatch(/too large/);
  });

  it('fuzz: what frameChunk writes decodes to the same bytes, however it is cut', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 40 }), { maxLength: 8 }), fc.array(fc.nat(400), { maxLength: 6 }), (parts, cuts) => {
        const framed = Buffer.concat([
          ...parts.filter((p) => p !== '').flatMap((p) => frameChunk(Buffer.from(p, 'latin1'))),
          LAST_CHUNK,
        ]).toString('latin1');
        const points = [...new Set(cuts.map((c) => c % (framed.length + 1)))].sort((a, b) => a - b);
        const pieces: string[] = [];
        let from = 0;
        for (const point of points) {
          pieces.push(framed.slice(from, point));
          from = point;
        }
        pieces.push(framed.slice(from));
        const result = decode(pieces.filter((p) => p !== ''));
        expect(result.done).toBe(true);
        expect(result.data).toBe(parts.join(''));
      }),
    );
  });
});
