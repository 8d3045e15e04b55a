/**
 * The baseline the host's start-up and memory are judged against: the very Node version inside the
 * host (the official binary the build injected the blob into), not whatever Node runs the benchmark.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SEA_WORK_DIR } from '../../installers/build-host.js';
import { NODE_VERSION, TARGETS, type Target } from '../../installers/targets.js';

export function baselineNode(): { path: string; version: string } {
  const builder = TARGETS.find((target: Target) => target.platform === process.platform && target.arch === process.arch);
  if (builder === undefined) throw new Error(`no host target for ${process.platform}-${process.arch}`);
  // build-host leaves the unmodified builder Node in its work folder (see installers/sea/host-blob.ts).
  const path = join(SEA_WORK_DIR, `node${builder.exeSuffix}`);
  if (!existsSync(path)) throw new Error(`${path} is missing: run npm run build:host first (npm run bench does)`);
  return { path, version: NODE_VERSION };
}
