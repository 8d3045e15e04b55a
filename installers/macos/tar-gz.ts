/**
 * Writes a gzipped POSIX (ustar) tar archive, streaming: the executables are 100+ MB each. No `tar`
 * command is needed, so the archive is the same whichever machine builds it, and owners, modes and
 * times are what we say (root-less uid/gid 0, fixed mtime) rather than whatever the build machine had.
 */
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants, createGzip } from 'node:zlib';

export type TarEntry =
  | { type: 'dir'; name: string; mode?: number }
  | { type: 'file'; name: string; mode: number; source: string }
  | { type: 'file'; name: string; mode: number; content: string | Buffer };

const BLOCK = 512;

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

/** One ustar header block. Names are kept under 100 bytes (no prefix field, no pax records). */
export function tarHeader(name: string, size: number, mode: number, type: '0' | '5', mtime: number): Buffer {
  if (Buffer.byteLength(name) > 100) throw new Error(`Tar entry name too long for a plain ustar header: ${name}`);
  const block = Buffer.alloc(BLOCK);
  block.write(name, 0, 'utf8');
  block.write(octal(mode & 0o7777, 8), 100);
  block.write(octal(0, 8), 108); // uid
  block.write(octal(0, 8), 116); // gid
  block.write(octal(size, 12), 124);
  block.write(octal(mtime, 12), 136);
  block.fill(' ', 148, 156); // checksum counts as spaces while summing
  block.write(type, 156);
  block.write('ustar\0', 257);
  block.write('00', 263);
  const checksum = block.reduce((sum, byte) => sum + byte, 0);
  block.write(`${checksum.toString(8).padStart(6, '0')}\0 `, 148);
  return block;
}

const padding = (size: number): Buffer => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);

async function* archive(entries: readonly TarEntry[], mtime: number): AsyncGenerator<Buffer> {
  for (const entry of entries) {
    if (entry.type === 'dir') {
      yield tarHeader(entry.name.endsWith('/') ? entry.name : `${entry.name}/`, 0, entry.mode ?? 0o755, '5', mtime);
      continue;
    }
    if ('content' in entry) {
      const data = Buffer.isBuffer(entry.content) ? entry.content : Buffer.from(entry.content, 'utf8');
      yield tarHeader(entry.name, data.length, entry.mode, '0', mtime);
      yield data;
      yield padding(data.length);
      continue;
    }
    const { size } = statSync(entry.source);
    yield tarHeader(entry.name, size, entry.mode, '0', mtime);
    let written = 0;
    for await (const chunk of createReadStream(entry.source)) {
      written += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
    if (written !== size) throw new Error(`${entry.source} changed size while it was being archived.`);
    yield padding(size);
  }
  yield Buffer.alloc(BLOCK * 2);
}

export interface TarGzOptions {
  /** Seconds since the epoch for every entry; SOURCE_DATE_EPOCH when set, else now. */
  mtime?: number;
  level?: number;
}

export async function writeTarGz(
  outFile: string,
  entries: readonly TarEntry[],
  { mtime, level = constants.Z_DEFAULT_COMPRESSION }: TarGzOptions = {},
): Promise<void> {
  const time =
    mtime ?? (process.env.SOURCE_DATE_EPOCH !== undefined ? Number(process.env.SOURCE_DATE_EPOCH) : Math.floor(Date.now() / 1000));
  await pipeline(archive(entries, time), new PassThrough(), createGzip({ level }), createWriteStream(outFile));
}
