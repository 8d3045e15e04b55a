/**
 * The browser's native messaging framing: a 32-bit length in the machine's native byte order,
 * then that many bytes of UTF-8 JSON. Pure: bytes in, frames out; no streams, no I/O.
 */
import { endianness } from 'node:os';

/** Chromium sends at most 64 MiB to a host; anything longer is garbage or an attack. */
export const MAX_INCOMING_FRAME = 64 * 1024 * 1024;
/** Chromium refuses messages from a host over 1 MB and drops the connection. */
export const MAX_OUTGOING_FRAME = 1024 * 1024;

export type ByteOrder = 'LE' | 'BE';
export const NATIVE_BYTE_ORDER: ByteOrder = endianness();

export type DecodedItem = { kind: 'frame'; body: Buffer } | { kind: 'oversized'; length: number };

/**
 * Carries partial frames across reads. An oversized frame is reported once and its body is then
 * skipped as it streams past, never held in memory, so the stream stays in step afterwards.
 */
export class FrameDecoder {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private skipRemaining = 0;

  constructor(
    private readonly maxFrame = MAX_INCOMING_FRAME,
    private readonly byteOrder: ByteOrder = NATIVE_BYTE_ORDER,
  ) {}

  push(chunk: Buffer): DecodedItem[] {
    const items: DecodedItem[] = [];
    let data = chunk;
    if (this.skipRemaining > 0) {
      const skipped = Math.min(this.skipRemaining, data.length);
      this.skipRemaining -= skipped;
      data = data.subarray(skipped);
    }
    if (data.length > 0) {
      this.pending.push(data);
      this.pendingBytes += data.length;
    }
    for (;;) {
      if (this.skipRemaining > 0 || this.pendingBytes < 4) break;
      const length = this.peekLength();
      // Join the pieces only once the whole frame is here: joining on every read would copy a
      // large frame over and over as it trickles in.
      if (length <= this.maxFrame && this.pendingBytes - 4 < length) break;
      const buffer = this.collect();
      if (length > this.maxFrame) {
        items.push({ kind: 'oversized', length });
        const available = buffer.length - 4;
        const skipped = Math.min(length, available);
        this.skipRemaining = length - skipped;
        this.keep(buffer.subarray(4 + skipped));
        continue;
      }
      items.push({ kind: 'frame', body: Buffer.from(buffer.subarray(4, 4 + length)) });
      this.keep(buffer.subarray(4 + length));
    }
    return items;
  }

  /** Bytes of an unfinished frame still waiting for the rest; non-zero at end of input means truncation. */
  get bufferedBytes(): number {
    return this.pendingBytes + this.skipRemaining;
  }

  private peekLength(): number {
    const first = this.pending[0];
    const head = first !== undefined && first.length >= 4 ? first : this.collect();
    return this.byteOrder === 'LE' ? head.readUInt32LE(0) : head.readUInt32BE(0);
  }

  private collect(): Buffer {
    if (this.pending.length > 1) this.pending = [Buffer.concat(this.pending, this.pendingBytes)];
    return this.pending[0] ?? Buffer.alloc(0);
  }

  private keep(rest: Buffer): void {
    this.pending = rest.length > 0 ? [rest] : [];
    this.pendingBytes = rest.length;
  }
}

export function encodeFrame(body: Buffer, byteOrder: ByteOrder = NATIVE_BYTE_ORDER): Buffer {
  const header = Buffer.alloc(4);
  if (byteOrder === 'LE') header.writeUInt32LE(body.length, 0);
  else header.writeUInt32BE(body.length, 0);
  return Buffer.concat([header, body]);
}

export function encodeJsonFrame(message: unknown, byteOrder: ByteOrder = NATIVE_BYTE_ORDER): Buffer {
  return encodeFrame(Buffer.from(JSON.stringify(message), 'utf8'), byteOrder);
}
