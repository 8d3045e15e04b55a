/**
 * What the popup costs to open: its JavaScript, raw and gzipped, as the built extension ships it.
 * Read by the end-to-end test (which prints it) and by `npm run bench` (which sets it beside its
 * libraries): a measurement of the build, so it lives with the extension's tooling.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const EXTENSION_DIR = join(resolve(import.meta.dirname, '..', '..'), '.output', 'chrome-mv3');

/**
 * The popup's JavaScript as the browser loads it: its entry chunk and every chunk it preloads,
 * gzipped; and apart, the chunks it imports only on demand (the QR code generator), named in the
 * entry's dependency map.
 */
export function popupScriptSize(): {
  files: string[];
  raw: number;
  gzip: number;
  onDemand: { files: string[]; raw: number; gzip: number };
} {
  const html = readFileSync(join(EXTENSION_DIR, 'popup.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="([^"]+\.js)"/g)].map((match) => match[1]!.replace(/^\//, ''));
  const measure = (names: string[]) => {
    let raw = 0;
    let gzip = 0;
    for (const file of names) {
      const bytes = readFileSync(join(EXTENSION_DIR, file));
      raw += bytes.length;
      gzip += gzipSync(bytes, { level: 9 }).length;
    }
    return { files: names, raw, gzip };
  };
  const entry = readFileSync(join(EXTENSION_DIR, files[0]!), 'utf8');
  const mentioned = new Set([...entry.matchAll(/"(chunks\/[^"]+\.js)"/g)].map((match) => match[1]!));
  const onDemand = [...mentioned].filter((file) => !files.includes(file));
  return { ...measure(files), onDemand: measure(onDemand) };
}
