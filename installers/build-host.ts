/**
 * `npm run build:host`: bundles the host into one CommonJS file (what Node's single-executable
 * support takes) and writes `dist/host/porthole-host`, a launcher a browser can start.
 */
import { build } from 'esbuild';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const HOST_OUT_DIR = join(root, 'dist', 'host');
export const HOST_BUNDLE = join(HOST_OUT_DIR, 'porthole-host.cjs');

export async function bundleHost(outfile = HOST_BUNDLE): Promise<string> {
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  await build({
    entryPoints: [join(root, 'native-host', 'src', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: true,
    sourcemap: 'linked',
    legalComments: 'none',
    define: { __PORTHOLE_VERSION__: JSON.stringify(version) },
    logLevel: 'warning',
  });
  return outfile;
}

/**
 * Browsers start hosts with a minimal environment where `node` may not be on PATH (nvm, fnm),
 * so the launcher names the Node that built it.
 */
export function writeLauncher(bundle: string, launcher = join(dirname(bundle), 'porthole-host')): string {
  writeFileSync(launcher, `#!/bin/sh\nexec '${process.execPath}' '${bundle}' "$@"\n`);
  chmodSync(launcher, 0o755);
  return launcher;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  mkdirSync(HOST_OUT_DIR, { recursive: true });
  const bundle = await bundleHost();
  const launcher = writeLauncher(bundle);
  console.log(`built ${launcher} (runs ${bundle} with ${process.execPath})`);
}
