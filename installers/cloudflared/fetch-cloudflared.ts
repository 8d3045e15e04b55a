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
import { InstallerError } from '../installer-error.js';
import { fileDigest } from '../sea/file-digest.js';
import { extractTarEntry } from '../sea/tar-entry.js';
import type { Target } from '../targets.js';
import { CLOUDFLARED_RELEASE, type CloudflaredAsset, type CloudflaredRelease, cloudflaredAssetUrl } from './release.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEFAULT_CLOUDFLARED_CACHE_DIR = join(repoRoot, 'node_modules', '.cache', 'porthole', 'cloudflared');

/** How long the download may sit without receiving a byte (connecting included) before it is given up. */
export const DEFAULT_STALL_TIMEOUT_MS = 15_000;

export type CloudflaredFetchErrorCode =
  | 'cloudflared-unpinned'
  | 'cloudflared-download-failed'
  | 'cloudflared-checksum-mismatch'
  | 'cloudflared-archive-invalid';

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
  if (cause?.message !== undefined)
    return cause.code !== undefined && !cause.message.includes(cause.code) ? `${cause.code}: ${cause.message}` : cause.message;
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
    throw new CloudflaredFetchError(
      'cloudflared-download-failed',
      `Could not download cloudflared from ${url} (${reason}). ${CLOUDFLARED_ALTERNATIVES}`,
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
  }
}

/** The verified release file in the cache, downloading it when the cache lacks a good copy. */
async function ensureAsset(
  release: CloudflaredRelease,
  asset: CloudflaredAsset,
  sha256: string,
  input: Required<Pick<FetchCloudflaredInput, 'env' | 'cacheDir' | 'stallTimeoutMs'>>,
): Promise<string> {
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

const SHA256_HEX = /^[0-9a-f]{64}$/;

function pinned(value: string | null | undefined): string | null {
  const digest = value?.toLowerCase() ?? null;
  return digest !== null && SHA256_HEX.test(digest) ? digest : null;
}

export interface PinnedDigests {
  /** SHA-256 of the file as downloaded. */
  download: string;
  /** SHA-256 of the executable extracted from an archive; null for a file that is the executable. */
  binary: string | null;
}

/**
 * The digests pinned for a target's cloudflared; throws when one is missing, so nothing unverified
 * is used: an archive needs both its own digest and its executable's (issue 12).
 */
export function pinnedDigests(target: Target, release: CloudflaredRelease = CLOUDFLARED_RELEASE): PinnedDigests {
  const asset = release.assets[target.id];
  const download = pinned(asset.sha256);
  if (download === null) {
    throw new CloudflaredFetchError(
      'cloudflared-unpinned',
      `cloudflared ${release.version} for ${target.id} (${asset.file}) has no pinned SHA-256 in installers/cloudflared/release.ts: copy it from the release's published checksums. An unverified binary is never bundled.`,
    );
  }
  if (asset.archive === 'raw') return { download, binary: null };
  const binary = pinned(asset.binarySha256);
  if (binary === null) {
    throw new CloudflaredFetchError(
      'cloudflared-unpinned',
      `cloudflared ${release.version} for ${target.id} has no pinned binarySha256 (the SHA-256 of ${asset.entry ?? 'cloudflared'} inside ${asset.file}) in installers/cloudflared/release.ts: the release notes list it. Both the archive and the executable in it are checked; an unverified binary is never bundled.`,
    );
  }
  return { download, binary };
}

/** The SHA-256 pinned for a target's download; throws when it, or an archive's binary digest, is missing. */
export function pinnedSha256(target: Target, release: CloudflaredRelease = CLOUDFLARED_RELEASE): string {
  return pinnedDigests(target, release).download;
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
  const digests = pinnedDigests(target, release);
  const file = await ensureAsset(release, asset, digests.download, { env, cacheDir, stallTimeoutMs });

  mkdirSync(destDir, { recursive: true });
  const destination = join(destDir, `cloudflared${target.exeSuffix}`);
  const partial = `${destination}.partial`;
  try {
    if (asset.archive === 'tgz') {
      const entry = asset.entry ?? 'cloudflared';
      if (!(await extractTarEntry(file, entry, partial))) {
        throw new CloudflaredFetchError(
          'cloudflared-archive-invalid',
          `${asset.file} has no file named ${entry}; update the entry for ${target.id} in installers/cloudflared/release.ts.`,
        );
      }
      // The archive's digest says the download is GitHub's file; this one says the program is too.
      const actual = await fileDigest(partial, 'sha256', 'hex');
      if (actual !== digests.binary) {
        throw new CloudflaredFetchError(
          'cloudflared-checksum-mismatch',
          `${entry} inside ${asset.file} has SHA-256 ${actual}, not the ${digests.binary} pinned as binarySha256 in installers/cloudflared/release.ts; refusing to bundle it.`,
        );
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
