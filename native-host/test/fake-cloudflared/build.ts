/** Bundles the fake cloudflared into one executable file that tests can spawn like the real one. */

import { chmod, mkdir, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const entry = join(dirname(fileURLToPath(import.meta.url)), 'main.ts');

export async function buildFakeCloudflared(outFile: string): Promise<string> {
  await mkdir(dirname(outFile), { recursive: true });
  // Built beside the target and renamed over it, so a run that spawns the fake while another
  // build is writing never executes half a file.
  const partial = `${outFile}.${process.pid}.partial`;
  await build({
    entryPoints: [entry],
    outfile: partial,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // The Node that builds it, by absolute path: `tunnel login` runs with a PATH that holds no
    // browser opener (and so no node either), as Porthole starts it.
    banner: { js: `#!${process.execPath}` },
    logLevel: 'warning',
  });
  await chmod(partial, 0o755);
  await rename(partial, outFile);
  return outFile;
}
