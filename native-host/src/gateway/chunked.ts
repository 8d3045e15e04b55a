/**
 * The chunked transfer coding (RFC 9112 §7.1), read incrementally and strictly. Pure.
 *
 * A chunked body is decoded here, its data handed on, and written out again by the gateway with
 * chunk framing of its own (`frameChunk`): what the far side parses is then exactly what was
 * checked here, whatever extensions, trailers or oddities the sender put around the data. Chunk
 * extensions are read and dropped; trailer fields are read and dropped (node:http did not relay
 * them either). Sizes are bounded (no overflow), extension and trailer bytes too, and CRLF is
 * required everywhere: a lone LF or CR, a space inside a size, or a non-hex size is an error.
 */

enum State {
  Size,
  SizeSpace,
  Extension,
  SizeLf,
  Data,
  DataCr,
  DataLf,
  TrailerStart,
  Trailer,
  TrailerLf,
  EndLf,
  Done,
}

/** 13 hex digits: sizes below 2^52, exact as a JavaScript number. */
const MAX_SIZE_DIGITS = 13;
/** Extensions on one chunk line, and all trailer lines together. */
export const MAX_CHUNK_LINE_EXTRA = 4096;
export const MAX_TRAILER_BYTES = 16 * 1024;

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  return -1;
}

export class ChunkedDecoder {
  private state = State.Size;
  private size = 0;
  private digits = 0;
  private extra = 0;
  /** Data bytes still to come in the current chunk. */
  private remaining = 0;
  /** Set once the body is malformed; nothing more is read. */
  error: string | null = null;

  get done(): boolean {
    return this.state === State.Done;
  }

  /**
   * Reads `chunk` from `start`; every data slice goes to `onData` (slices of `chunk`, not copies).
   * Returns the index just past the last byte that belonged to the body (the whole chunk when the
   * body goes on), or -1 when the body is malformed (`error` says why).
   */
  feed(chunk: Buffer, start: number, onData: (data: Buffer) => void): number {
    let at = start;
    const length = chunk.length;
    while (at < length) {
      switch (this.state) {
        case State.Data: {
          const take = Math.min(this.remaining, length - at);
          onData(chunk.subarray(at, at + take));
          at += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = State.DataCr;
          continue;
        }
        case State.Done:
          return at;
        default:
          break;
      }
      const byte = chunk[at]!;
      at++;
      switch (this.state) {
        case State.Size: {
          const digit = hexValue(byte);
          if (digit !== -1) {
            if (++this.digits > MAX_SIZE_DIGITS) return this.fail('a chunk size too large');
            this.size = this.size * 16 + digit;
          } else if (this.digits === 0) return this.fail('a chunk without a size');
          else if (byte === 0x3b) this.state = State.Extension;
          else if (byte === 0x20 || byte === 0x09) this.state = State.SizeSpace;
          else if (byte === 0x0d) this.state = State.SizeLf;
          else return this.fail('a malformed chunk size');
          break;
        }
        case State.SizeSpace:
          if (byte === 0x3b) this.state = State.Extension;
          else if (byte !== 0x20 && byte !== 0x09) return this.fail('a malformed chunk size');
          else if (++this.extra > MAX_CHUNK_LINE_EXTRA) return this.fail('a chunk line too long');
          break;
        case State.Extension:
          if (byte === 0x0d) this.state = State.SizeLf;
          else if ((byte < 0x20 && byte !== 0x09) || byte === 0x7f) return this.fail('a control character in a chunk extension');
          else if (++this.extra > MAX_CHUNK_LINE_EXTRA) return this.fail('a chunk line too long');
          break;
        case State.SizeLf:
          if (byte !== 0x0a) return this.fail('a chunk line without CRLF');
          this.remaining = this.size;
          this.state = this.size === 0 ? State.TrailerStart : State.Data;
          this.size = 0;
          this.digits = 0;
          this.extra = 0;
          break;
        case State.DataCr:
          if (byte !== 0x0d) return this.fail('chunk data longer than its size');
          this.state = State.DataLf;
          break;
        case State.DataLf:
          if (byte !== 0x0a) return this.fail('chunk data without CRLF');
          this.state = State.Size;
          break;
        case State.TrailerStart:
          if (byte === 0x0d) this.state = State.EndLf;
          else if (byte === 0x0a) return this.fail('a bare LF in the trailer');
          else this.state = State.Trailer;
          if (++this.extra > MAX_TRAILER_BYTES) return this.fail('a trailer too large');
          break;
        case State.Trailer:
          if (byte === 0x0d) this.state = State.TrailerLf;
          else if ((byte < 0x20 && byte !== 0x09) || byte === 0x7f) return this.fail('a control character in the trailer');
          if (++this.extra > MAX_TRAILER_BYTES) return this.fail('a trailer too large');
          break;
        case State.TrailerLf:
          if (byte !== 0x0a) return this.fail('a trailer line without CRLF');
          this.state = State.TrailerStart;
          break;
        case State.EndLf:
          if (byte !== 0x0a) return this.fail('a chunked body without its final CRLF');
          this.state = State.Done;
          return at;
      }
    }
    return at;
  }

  private fail(reason: string): -1 {
    this.error = reason;
    return -1;
  }
}

const CRLF = Buffer.from('\r\n');
/** The end of a chunked body the gateway writes: the last chunk, no trailer. */
export const LAST_CHUNK = Buffer.from('0\r\n\r\n');

/** One chunk of `data.length` bytes, as three buffers to write in order (data is not copied). */
export function frameChunk(data: Buffer): [Buffer, Buffer, Buffer] {
  return [Buffer.from(`${data.length.toString(16)}\r\n`, 'latin1'), data, CRLF];
}
