import { describe, expect, it } from 'vitest';
import { type DecodedItem, encodeFrame, encodeJsonFrame, FrameDecoder } from '../framing.js';

const bodies = (items: DecodedItem[]): string[] =>
  items.map((item) => (item.kind === 'frame' ? item.body.toString('utf8') : `oversized:${item.length}`));

describe('native messaging framing', () => {
  it('writes the length in the byte order asked for, then the UTF-8 body', () => {
    expect([...encodeFrame(Buffer.from('{}'), 'LE')]).toEqual([2, 0, 0, 0, 0x7b, 0x7d]);
    expect([...encodeFrame(Buffer.from('{}'), 'BE')]).toEqual([0, 0, 0, 2, 0x7b, 0x7d]);
    const frame = encodeJsonFrame({ text: 'é' }, 'LE');
    expect(frame.readUInt32LE(0)).toBe(Buffer.byteLength('{"text":"é"}'));
  });

  it('reads a frame split across many reads, down to single bytes', () => {
    const frame = encodeJsonFrame({ id: '1', type: 'hello' }, 'LE');
    const decoder = new FrameDecoder(1024, 'LE');
    const items: DecodedItem[] = [];
    for (const byte of frame) items.push(...decoder.push(Buffer.from([byte])));
    expect(bodies(items)).toEqual(['{"id":"1","type":"hello"}']);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('reads several frames that arrive in one read, and keeps a trailing partial one', () => {
    const a = encodeJsonFrame({ n: 1 }, 'LE');
    const b = encodeJsonFrame({ n: 2 }, 'LE');
    const c = encodeJsonFrame({ n: 3 }, 'LE');
    const decoder = new FrameDecoder(1024, 'LE');
    expect(bodies(decoder.push(Buffer.concat([a, b, c.subarray(0, 5)])))).toEqual(['{"n":1}', '{"n":2}']);
    expect(decoder.bufferedBytes).toBe(5);
    expect(bodies(decoder.push(c.subarray(5)))).toEqual(['{"n":3}']);
  });

  it('reads big-endian frames on big-endian machines', () => {
    const decoder = new FrameDecoder(1024, 'BE');
    expect(bodies(decoder.push(encodeJsonFrame({ ok: true }, 'BE')))).toEqual(['{"ok":true}']);
  });

  it('refuses an oversized frame without buffering it, then stays in step for the next frame', () => {
    const limit = 100;
    const decoder = new FrameDecoder(limit, 'LE');
    const header = Buffer.alloc(4);
    header.writeUInt32LE(1000, 0);
    const items = decoder.push(Buffer.concat([header, Buffer.alloc(300, 0x61)]));
    expect(bodies(items)).toEqual(['oversized:1000']);
    // The rest of the oversized body is skipped as it streams past, never held.
    expect(decoder.bufferedBytes).toBe(700);
    expect(decoder.push(Buffer.alloc(699, 0x61))).toEqual([]);
    const next = encodeJsonFrame({ after: true }, 'LE');
    expect(bodies(decoder.push(Buffer.concat([Buffer.alloc(1, 0x61), next])))).toEqual(['{"after":true}']);
  });

  it('accepts a frame of exactly the limit and refuses one byte more', () => {
    const decoder = new FrameDecoder(10, 'LE');
    expect(bodies(decoder.push(encodeFrame(Buffer.alloc(10, 0x30), 'LE')))).toEqual(['0000000000']);
    expect(bodies(decoder.push(encodeFrame(Buffer.alloc(11, 0x30), 'LE')))).toEqual(['oversized:11']);
  });

  it('reads an empty frame as an empty body', () => {
    const decoder = new FrameDecoder(10, 'LE');
    expect(bodies(decoder.push(Buffer.from([0, 0, 0, 0])))).toEqual(['']);
  });

  it('reads a multi-megabyte frame that arrives in thousands of reads', () => {
    const body = Buffer.alloc(4 * 1024 * 1024, 0x62);
    const frame = encodeFrame(body, 'LE');
    const decoder = new FrameDecoder(8 * 1024 * 1024, 'LE');
    const items: DecodedItem[] = [];
    for (let at = 0; at < frame.length; at += 4096) items.push(...decoder.push(frame.subarray(at, at + 4096)));
    expect(items).toHaveLength(1);
    expect(items[0]?.kind === 'frame' && items[0].body.equals(body)).toBe(true);
  });
});
