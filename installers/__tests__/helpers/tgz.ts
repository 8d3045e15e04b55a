/** Builds small gzipped tar archives in memory, so the tar reader is tested on archives we control. */
import { gzipSync } from 'node:zlib';

export interface TarFile {
  name: string;
  data: Buffer | string;
  /** '0' file (default), '5' directory. */
  type?: '0' | '5';
  /** Write the name through a pax extended header, as tar does for names past 100 bytes. */
  paxName?: boolean;
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function header(name: string, size: number, type: string): Buffer {
  const block = Buffer.alloc(512);
  block.write(name.slice(0, 100), 0, 'utf8');
  block.write(octal(0o755, 8), 100);
  block.write(octal(0, 8), 108);
  block.write(octal(0, 8), 116);
  block.write(octal(size, 12), 124);
  block.write(octal(0, 12), 136);
  block.write(type, 156);
  block.write('ustar\0', 257);
  block.write('00', 263);
  block.fill(' ', 148, 156);
  const checksum = block.reduce((sum, byte) => sum + byte, 0);
  block.write(`${checksum.toString(8).padStart(6, '0')}\0 `, 148);
  return block;
}

function padded(data: Buffer): Buffer {
  return Buffer.concat([data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = body.length + 1;
  while (`${length}${body}`.length !== length) length = `${length}${body}`.length;
  return `${length}${body}`;
}

export function makeTgz(files: readonly TarFile[]): Buffer {
  const parts: Buffer[] = [];
  for (const file of files) {
    const data = Buffer.isBuffer(file.data) ? file.data : Buffer.from(file.data);
    if (file.paxName === true) {
      const pax = Buffer.from(paxRecord('path', file.name));
      parts.push(header('PaxHeader/x', pax.length, 'x'), padded(pax));
    }
    parts.push(header(file.paxName === true ? 'truncated-name' : file.name, data.length, file.type ?? '0'), padded(data));
  }
  parts.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(parts));
}
