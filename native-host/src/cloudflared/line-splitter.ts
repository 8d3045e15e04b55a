/**
 * Splits a byte stream into whole lines, carrying a partial line over to the next chunk
 * (a pipe read can end anywhere, even inside a multi-byte character).
 */
import { StringDecoder } from 'node:string_decoder';

/** A runaway line without a newline is cut here, so a misbehaving child cannot grow our memory. */
const MAX_LINE = 64 * 1024;

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';

  push(chunk: Buffer): string[] {
    const text = this.partial + this.decoder.write(chunk);
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    if (this.partial.length > MAX_LINE) {
      lines.push(this.partial);
      this.partial = '';
    }
    return lines.map((line) => line.replace(/\r$/, ''));
  }

  /** What is left when the stream ends: a last line without its newline. */
  end(): string[] {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    return rest === '' ? [] : [rest];
  }
}
