/**
 * Finds the cloudflared to run, in this order (README, "Sharing from a terminal"): $PORTHOLE_CLOUDFLARED,
 * the copy bundled beside the host, then PATH: an explicit choice first, then what Porthole shipped.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { PortholeError } from '../errors.js';
import type { CloudflaredInfo } from '../protocol/index.js';
import { parseCloudflaredVersion } from './parse.js';

export interface LocateInput {
  env: NodeJS.ProcessEnv;
  hostDir: string;
  exeSuffix: string;
  isExecutable?: (path: string) => boolean;
}

export type LocatedCloudflared = Omit<CloudflaredInfo, 'version'>;

export function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function locateCloudflared({ env, hostDir, exeSuffix, isExecutable = isExecutableFile }: LocateInput): LocatedCloudflared {
  const name = `cloudflared${exeSuffix}`;
  const override = env.PORTHOLE_CLOUDFLARED;
  if (override !== undefined && override !== '') {
    if (isExecutable(override)) return { path: override, source: 'env' };
    throw new PortholeError(
      'cloudflared-missing',
      `PORTHOLE_CLOUDFLARED is set to ${override}, but no executable file is there. Fix the path or unset the variable.`,
    );
  }
  const bundled = join(hostDir, name);
  if (isExecutable(bundled)) return { path: bundled, source: 'bundled' };
  // Windows' PATH lookups are case-insensitive and the variable may be spelled Path.
  const searchPath = env.PATH ?? env.Path ?? '';
  for (const dir of searchPath.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return { path: candidate, source: 'path' };
  }
  throw new PortholeError(
    'cloudflared-missing',
    `cloudflared was not found (looked at $PORTHOLE_CLOUDFLARED, ${bundled}, and PATH). Reinstall Porthole, which bundles it, or install cloudflared (https://developers.cloudflare.com/cloudflare-one/connections/connect-networks/downloads/) and share again.`,
  );
}

/** Keyed by path and modification time: `hello` is cheap to repeat, and an upgraded binary is read again. */
const versions = new Map<string, Promise<string | null>>();

export function readCloudflaredVersion(path: string, timeoutMs = 5000): Promise<string | null> {
  const key = `${path}\0${statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0}`;
  let version = versions.get(key);
  if (version === undefined) {
    version = new Promise((resolve) => {
      execFile(path, ['--version'], { timeout: timeoutMs, windowsHide: true }, (error, stdout, stderr) => {
        resolve(error ? null : parseCloudflaredVersion(`${stdout}\n${stderr}`));
      });
    });
    versions.set(key, version);
  }
  return version;
}
