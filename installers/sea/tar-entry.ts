/**
 * Copies one file out of a gzipped tar archive, streaming: npm package tarballs hold a 120 MB Node
 * binary, and cloudflared's macOS downloads are `.tgz` files holding one binary. No `tar` command
 * is needed, so the build works the same on Linux, macOS and Windows.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

const BLOCK = 512;

interface TarHeader {
  name: string;
  size: number;
  /** '0' regular file, '5' directory, 'x' pax extended header, 'L' GNU long name, … */
  type: string;
}

/** Reads exact byte counts from a stream of chunks of any size. */
class ChunkReader {
  private readonly iterator: AsyncIterator<Buffer>;
  private buffered: Buffer = Buffer.alloc(0);
  private ended = false;

  constructor(source: AsyncIterable<Buffer>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  private async fill(): Promise<boolean> {
    if (this.ended) return false;
    const next = await this.iterator.next();
    if (next.done === true) {
      this.ended = true;
      return false;
    }
    this.buffered = this.buffered.length === 0 ? next.value : Buffer.concat([this.buffered, next.value]);
    return true;
  }

  /** Exactly `length` bytes, or null when the archive ends first. */
  async read(length: number): Promise<Buffer | null> {
    while (this.buffered.length < length) if (!(await this.fill())) return null;
    const bytes = this.buffered.subarray(0, length);
    this.buffered = this.buffered.subarray(length);
    return bytes;
  }

  /** The next `length` bytes as they arrive, without holding them all. */
  async *stream(length: number): AsyncGenerator<Buffer> {
    let left = length;
    while (left > 0) {
      if (this.buffered.length === 0 && !(await this.fill())) throw new Error('The archive ends in the middle of a file.');
      const piece = this.buffered.subarray(0, Math.min(left, this.buffered.length));
      this.buffered = this.buffered.subarray(piece.length);
      left -= piece.length;
      yield piece;
    }
  }

  async skip(length: number): Promise<void> {
    for await (const piece of this.stream(length)) void piece;
  }
}

function textField(block: Buffer, start: number, length: number): string {
  const raw = block.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? length : end).toString('utf8');
}

function parseHeader(block: Buffer): TarHeader | null {
  if (block.every((byte) => byte === 0)) return null;
  // Sizes are octal text; GNU tar switches to base-256 (high bit set) past 8 GiB, which no entry we read reaches.
  if ((block[124]! & 0x80) !== 0) throw new Error('The archive uses base-256 sizes, which this reader does not handle.');
  const size = Number.parseInt(textField(block, 124, 12).trim() || '0', 8);
  const typeByte = block[156]!;
  const type = typeByte === 0 ? '0' : String.fromCharCode(typeByte);
  const name = textField(block, 0, 100);
  const prefix = textField(block, 257, 6).startsWith('ustar') ? textField(block, 345, 155) : '';
  return { name: prefix === '' ? name : `${prefix}/${name}`, size, type };
}

/** `path=` from a pax extended header: records are `<length> <key>=<value>\n`. */
function paxPath(data: Buffer): string | undefined {
  for (const record of data.toString('utf8').split('\n')) {
    const match = /^\d+ path=(.*)$/.exec(record);
    if (match !== null) return match[1];
  }
  return undefined;
}

function normalize(name: string): string {
  return name.replace(/^\.\//, '');
}

/**
 * Writes the regular file named `entry` (e.g. `package/bin/node`) to `destination`.
 * Returns false when the archive has no such file, leaving `destination` untouched.
 */
export async function extractTarEntry(archive: string, entry: string, destination: string): Promise<boolean> {
  const file = createReadStream(archive);
  const gunzip = createGunzip();
  // pipe() does not pass errors on: a missing or unreadable archive must reject, not crash.
  file.on('error', (error) => gunzip.destroy(error));
  const reader = new ChunkReader(file.pipe(gunzip));
  try {
    return await copyEntry(reader, normalize(entry), destination);
  } finally {
    // Stop reading as soon as the entry is out: the rest of a 50 MB tarball is of no use.
    file.destroy();
  }
}

async function copyEntry(reader: ChunkReader, wanted: string, destination: string): Promise<boolean> {
  let longName: string | undefined;
  for (;;) {
    const block = await reader.read(BLOCK);
    if (block === null) return false;
    const header = parseHeader(block);
    if (header === null) return false;
    const padding = (BLOCK - (header.size % BLOCK)) % BLOCK;
    if (header.type === 'x' || header.type === 'L') {
      const data = await reader.read(header.size + padding);
      if (data === null) return false;
      const body = data.subarray(0, header.size);
      longName = header.type === 'L' ? textField(body, 0, body.length) : (paxPath(body) ?? longName);
      continue;
    }
    const name = normalize(longName ?? header.name);
    longName = undefined;
    if ((header.type === '0' || header.type === '7') && name === wanted) {
      await pipeline(Readable.from(reader.stream(header.size)), createWriteStream(destination));
      return true;
    }
    await reader.skip(header.size + padding);
  }
}
