/**
 * Draws Porthole's toolbar icons (a porthole: a thick ring around a glass disc) as PNGs into
 * extension/public/icon/, where WXT finds them. Run `npx tsx extension/scripts/draw-icons.ts` after
 * changing the drawing; the PNGs are committed. No image library: a PNG is zlib-deflated RGBA rows.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const SIZES = [16, 32, 48, 128];
const RING: [number, number, number] = [0x1f, 0x4e, 0x8c];
const GLASS: [number, number, number] = [0x5a, 0xb8, 0xf0];
const SHINE: [number, number, number] = [0xe8, 0xf6, 0xff];

function crc32(bytes: Uint8Array): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const out = Buffer.alloc(8 + data.length + 4);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
}

/** Coverage of a pixel by a shape, by 4×4 supersampling: smooth edges at 16 px. */
function draw(size: number): Buffer {
  const rows: Buffer[] = [];
  const c = size / 2;
  const outer = size * 0.47;
  const inner = size * 0.3;
  const shineCenter = [c - size * 0.09, c - size * 0.09];
  const shineRadius = size * 0.08;
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x++) {
      let r = 0,
        g = 0,
        b = 0,
        a = 0;
      for (let sy = 0; sy < 4; sy++) {
        for (let sx = 0; sx < 4; sx++) {
          const px = x + (sx + 0.5) / 4;
          const py = y + (sy + 0.5) / 4;
          const d = Math.hypot(px - c, py - c);
          let color: [number, number, number] | null = null;
          if (Math.hypot(px - shineCenter[0]!, py - shineCenter[1]!) <= shineRadius) color = SHINE;
          else if (d <= inner) color = GLASS;
          else if (d <= outer) color = RING;
          if (color) {
            r += color[0];
            g += color[1];
            b += color[2];
            a += 1;
          }
        }
      }
      const o = 1 + x * 4;
      if (a > 0) {
        row[o] = Math.round(r / a);
        row[o + 1] = Math.round(g / a);
        row[o + 2] = Math.round(b / a);
        row[o + 3] = Math.round((a / 16) * 255);
      }
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk('IEND', new Uint8Array()),
  ]);
}

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'icon');
mkdirSync(outDir, { recursive: true });
for (const size of SIZES) writeFileSync(join(outDir, `${size}.png`), draw(size));
console.log(`wrote ${SIZES.map((s) => `${s}.png`).join(', ')} to ${outDir}`);
