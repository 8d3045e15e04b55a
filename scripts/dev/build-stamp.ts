/**
 * Skips a build whose inputs did not change. A build's stamp (dist/.stamps/<name>.json) records a
 * SHA-256 over its input files (paths and contents, not times: a checkout or a `touch` changes
 * nothing) and the size and time of each output it wrote, so that an output rebuilt or removed by
 * something else (`npm run build`, `npm test`) is noticed as well.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

/** Folders that never feed a build: tests, dependencies, outputs, keys, editor and OS files. */
const SKIPPED = new Set(['__tests__', 'test', 'node_modules', 'dist', '.output', '.wxt']);

function listFiles(root: string, path: string, into: string[]): void {
  if (!existsSync(path)) return;
  if (!statSync(path).isDirectory()) {
    into.push(relative(root, path).split(sep).join('/'));
    return;
  }
  for (const name of readdirSync(path)) {
    if (SKIPPED.has(name) || name.startsWith('.')) continue;
    listFiles(root, join(path, name), into);
  }
}

/**
 * What a file contributes to the hash. Of the root package.json only what a build reads counts
 * (name, version, module type, dependencies): a new npm script rebuilds nothing.
 */
function buildContent(file: string, bytes: Buffer): Buffer {
  if (file !== 'package.json') return bytes;
  try {
    const { name, version, type, dependencies, devDependencies } = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
    return Buffer.from(JSON.stringify({ name, version, type, dependencies, devDependencies }));
  } catch {
    return bytes;
  }
}

/** One hash for every file under `inputs` (files or folders, relative to `root`). */
export function hashInputs(root: string, inputs: readonly string[]): string {
  const files: string[] = [];
  for (const input of inputs) listFiles(root, join(root, input), files);
  const hash = createHash('sha256');
  for (const file of [...new Set(files)].sort()) {
    const content = buildContent(file, readFileSync(join(root, file)));
    hash.update(`${file}\0${content.length}\0`);
    hash.update(content);
  }
  return hash.digest('hex');
}

interface Stamp {
  inputs: string;
  outputs: Record<string, string>;
}

function outputFingerprints(root: string, outputs: readonly string[]): Record<string, string> | null {
  const result: Record<string, string> = {};
  for (const output of outputs) {
    const path = join(root, output);
    if (!existsSync(path)) return null;
    const stat = statSync(path);
    result[output] = `${stat.size}:${Math.round(stat.mtimeMs)}`;
  }
  return result;
}

export function stampFile(root: string, name: string): string {
  return join(root, 'dist', '.stamps', `${name}.json`);
}

/** True when the outputs exist, are the ones the stamp describes, and were built from these inputs. */
export function isUpToDate(root: string, name: string, inputsHash: string, outputs: readonly string[]): boolean {
  const file = stampFile(root, name);
  if (!existsSync(file)) return false;
  let stamp: Stamp;
  try {
    stamp = JSON.parse(readFileSync(file, 'utf8')) as Stamp;
  } catch {
    return false;
  }
  const now = outputFingerprints(root, outputs);
  return now !== null && stamp.inputs === inputsHash && JSON.stringify(now) === JSON.stringify(stamp.outputs);
}

export function writeStamp(root: string, name: string, inputsHash: string, outputs: readonly string[]): void {
  const fingerprints = outputFingerprints(root, outputs);
  if (fingerprints === null) return;
  const file = stampFile(root, name);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ inputs: inputsHash, outputs: fingerprints } satisfies Stamp, null, 2)}\n`);
}
