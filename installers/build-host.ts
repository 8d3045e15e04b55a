/**
 * `npm run build:host`: this machine's porthole-host as a single executable at
 * dist/host/porthole-host (porthole-host.exe on Windows):
 *   1. esbuild bundles native-host/src/main.ts into one CommonJS file (what Node's SEA support takes);
 *   2. the pinned Node 22 of this machine's target makes the SEA blob from it;
 *   3. the blob goes into a copy of that Node binary (installers/sea/build-executable.ts), which
 *      is then run once with --version;
 *   4. the pinned cloudflared is placed beside it when it can be fetched and verified; when not, one
 *      line says so and the host falls back to $PORTHOLE_CLOUDFLARED or PATH. No internet is needed
 *      here: the Node binary comes from the npm registry, once, then from the cache.
 * `installers/package.ts` builds every target.
 */

import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type FetchCloudflaredInput, fetchCloudflared } from './cloudflared/fetch-cloudflared.js';
import { buildExecutable } from './sea/build-executable.js';
import { checkStarts } from './sea/check-starts.js';
import { makeHostBlob } from './sea/host-blob.js';
import { hostExecutableName, type Target } from './targets.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const HOST_OUT_DIR = join(root, 'dist', 'host');
export const HOST_BUNDLE = join(HOST_OUT_DIR, 'porthole-host.cjs');
/** sea-config.json, sea-prep.blob and the unmodified builder Node live here between steps. */
export const SEA_WORK_DIR = join(root, 'dist', 'sea');

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
}

export async function bundleHost(outfile = HOST_BUNDLE): Promise<string> {
  const version = packageVersion();
  await build({
    entryPoints: [join(root, 'native-host', 'src', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    minify: true,
    sourcemap: 'linked',
    legalComments: 'none',
    define: { __PORTHOLE_VERSION__: JSON.stringify(version) },
    logLevel: 'warning',
  });
  return outfile;
}

function firstSentence(text: string): string {
  const end = text.search(/\.\s/);
  return end === -1 ? text.replace(/\.$/, '') : text.slice(0, end);
}

/**
 * Bundles cloudflared beside the host when possible. A development build must work offline, so a
 * failure is one line, not an error; `npm run package` is where a missing cloudflared fails.
 */
export async function bundleCloudflaredIfPossible(
  target: Target,
  hostDir: string,
  { log = console.log, ...fetchOptions }: { log?: (line: string) => void } & Omit<FetchCloudflaredInput, 'target' | 'destDir'> = {},
): Promise<string | undefined> {
  try {
    const placed = await fetchCloudflared({ ...fetchOptions, target, destDir: hostDir });
    log(`bundled ${placed}`);
    return placed;
  } catch (error) {
    // A copy from an earlier build would be stale (maybe another release): the host must not pick it.
    rmSync(join(hostDir, `cloudflared${target.exeSuffix}`), { force: true });
    log(
      `cloudflared not bundled (${firstSentence((error as Error).message)}); the host will use $PORTHOLE_CLOUDFLARED or cloudflared on PATH.`,
    );
    return undefined;
  }
}

export async function buildHost(outDir = HOST_OUT_DIR): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  const bundle = await bundleHost(join(outDir, 'porthole-host.cjs'));
  const { blob, builder, builderNode } = await makeHostBlob(bundle, SEA_WORK_DIR);
  const executable = await buildExecutable({
    target: builder,
    blob,
    outFile: join(outDir, hostExecutableName(builder)),
    nodeBinary: builderNode,
  });
  await checkStarts(executable, packageVersion());
  await bundleCloudflaredIfPossible(builder, outDir);
  return executable;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  try {
    const executable = await buildHost();
    console.log(`built ${executable} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    console.error(`build:host failed${typeof code === 'string' ? ` [${code}]` : ''}: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
