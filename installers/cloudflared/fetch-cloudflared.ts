/**
 * Downloads the pinned cloudflared for a target, checks its SHA-256, and places it beside the host
 * executable as `cloudflared` / `cloudflared.exe`, where the host looks first after
 * $PORTHOLE_CLOUDFLARED. Verified downloads are cached, so packaging again fetches nothing.
 */
import { chmodSync, copyFileSync, createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { fileURLToPath } from 'node:url';
import { fileDigest } from '../sea/file-digest.js';
import { extractTarEntry } from '../sea/tar-entry.js';
import type { Target } from '../targets.js';
import { CLOUDFLARED_RELEASE, cloudflaredAssetUrl, type CloudflaredAsset, type CloudflaredRelease } from './release.js';
import { InstallerError } from '../installer-error.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEFAULT_CLOUDFLARED_CACHE_DIR = join(repoRoot, 'node_modules', '.cache', 'porthole', 'cloudflared');

/** How long the download may sit without receiving a byte (connecting included) before it is given up. */
export const DEFAULT_STALL_TIMEOUT_MS = 15_000;

export type CloudflaredFetchErrorCode = 'cloudflared-unpinned' | 'cloudflared-download-failed' | 'cloudflared-checksum-mismatch' | 'cloudflared-archive-invalid';

export class CloudflaredFetchError extends InstallerError<CloudflaredFetchErrorCode> {}

export const CLOUDFLARED_ALTERNATIVES =
  'Bundling cloudflared needs internet access to the release download; without it, install cloudflared on the machine that runs Porthole (it is found on PATH) or set PORTHOLE_CLOUDFLARED to its path.';

export interface FetchCloudflaredInput {
  target: Target;
  /** Folder of the host executable; cloudflared is placed in it. */
  destDir: string;
  release?: CloudflaredRelease;
  env?: NodeJS.ProcessEnv;
  cacheDir?: string;
  stallTimeoutMs?: number;
}

function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // fetch() hides the network reason (ENOTFOUND, ECONNREFUSED, …) in `cause`.
  const cause = error.cause as { code?: string; message?: string } | undefined;
  if (cause?.message !== undefined) return cause.code !== undefined && !cause.message.includes(cause.code) ? `${cause.code}: ${cause.message}` : cause.message;
  return error.message;
}

async function download(url: string, destination: string, stallTimeoutMs: number): Promise<void> {
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(new Error(`no data for ${stallTimeoutMs} ms`)), stallTimeoutMs);
  const restartTimer = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new Error(`no data for ${stallTimeoutMs} ms`)), stallTimeoutMs);
  };
  try {
    const response = await fetch(url, { signal: controller.signal, redirect: 'follow' });
    if (!response.ok || response.body === null) throw new Error(`HTTP ${response.status} ${response.statusText}`);
    const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    await pipeline(
      body,
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          restartTimer();
          yield chunk;
        }
      },
      createWriteStream(destination),
      { signal: controller.signal },
    );
  } catch (error) {
    rmSync(destination, { force: true });
    const reason = controller.signal.aborted ? describeFailure(controller.signal.reason) : describeFailure(error);
    throw new CloudflaredFetchError('cloudflared-download-failed', `Could not download cloudflared from ${url} (${reason}). ${CLOUDFLARED_ALTERNATIVES}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/** The verified release file in the cache, downloading it when the cache lacks a good copy. */
async function ensureAsset(release: CloudflaredRelease, asset: CloudflaredAsset, sha256: string, input: Required<Pick<FetchCloudflaredInput, 'env' | 'cacheDir' | 'stallTimeoutMs'>>): Promise<string> {
  const cached = join(input.cacheDir, release.version, asset.file);
  if (existsSync(cached) && (await fileDigest(cached, 'sha256', 'hex')) === sha256) return cached;
  mkdirSync(dirname(cached), { recursive: true });
  const partial = `${cached}.partial`;
  const url = cloudflaredAssetUrl(release, asset, input.env);
  await download(url, partial, input.stallTimeoutMs);
  const actual = await fileDigest(partial, 'sha256', 'hex');
  if (actual !== sha256) {
    rmSync(partial, { force: true });
    throw new CloudflaredFetchError(
      'cloudflared-checksum-mismatch',
      `cloudflared from ${url} has SHA-256 ${actual}, not the ${sha256} pinned in installers/cloudflared/release.ts; refusing to bundle it.`,
    );
  }
  renameSync(partial, cached);
  return cached;
}

/** The SHA-256 pinned for a target's cloudflared; throws when there is none, so nothing unverified is used. */
export function pinnedSha256(target: Target, release: CloudflaredRelease = CLOUDFLARED_RELEASE): string {
  const asset = release.assets[target.id];
  const sha256 = asset.sha256?.toLowerCase() ?? null;
  if (sha256 === null || !/^[0-9a-f]{64}$/.test(sha256)) {
    throw new CloudflaredFetchError(
      'cloudflared-unpinned',
      `cloudflared ${release.version} for ${target.id} (${asset.file}) has no pinned SHA-256 in installers/cloudflared/release.ts: copy it from the release's published checksums. An unverified binary is never bundled.`,
    );
  }
  return sha256;
}

/** Places the target's pinned cloudflared in `destDir` and returns its path. */
export async function fetchCloudflared({
  target,
  destDir,
  release = CLOUDFLARED_RELEASE,
  env = process.env,
  cacheDir = DEFAULT_CLOUDFLARED_CACHE_DIR,
  stallTimeoutMs = DEFAULT_STALL_TIMEOUT_MS,
}: FetchCloudflaredInput): Promise<string> {
  const asset = release.assets[target.id];
  const sha256 = pinnedSha256(target, release);
  const file = await ensureAsset(release, asset, sha256, { env, cacheDir, stallTimeoutMs });

  mkdirSync(destDir, { recursive: true });
  const destination = join(destDir, `cloudflared${target.exeSuffix}`);
  const partial = `${destination}.partial`;
  try {
    if (asset.archive === 'tgz') {
      const entry = asset.entry ?? 'cloudflared';
      if (!(await extractTarEntry(file, entry, partial))) {
        throw new CloudflaredFetchError('cloudflared-archive-invalid', `${asset.file} has no file named ${entry}; update the entry for ${target.id} in installers/cloudflared/release.ts.`);
      }
    } else {
      copyFileSync(file, partial);
    }
    chmodSync(partial, 0o755);
    renameSync(partial, destination);
  } finally {
    rmSync(partial, { force: true });
  }
  return destination;
}
