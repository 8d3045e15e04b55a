/**
 * The cloudflared release bundled beside porthole-host, one pinned file per target.
 *
 * File names follow the assets of cloudflared's GitHub releases as this author knows them (they
 * could not be checked from these machines, which cannot reach GitHub): Linux builds are bare
 * binaries (`cloudflared-linux-amd64`, `cloudflared-linux-arm64`), macOS builds are `.tgz` archives
 * holding one file named `cloudflared` (`cloudflared-darwin-amd64.tgz`, `cloudflared-darwin-arm64.tgz`),
 * Windows builds are `.exe` files. Cloudflare publishes no Windows arm64 build as far as known, so
 * win-arm64 bundles the amd64 one, which Windows 11 on Arm runs under its x64 emulation.
 *
 * SHA-256 values: cloudflared's release notes list one per asset ("SHA256 Checksums"). They were not
 * reachable here, so every value below is `null` until someone copies it from the release page;
 * `fetchCloudflared` refuses an asset without one rather than bundle an unverified binary. When
 * moving to another release, change the version and every checksum together.
 */
import type { TargetId } from '../targets.js';

export interface CloudflaredAsset {
  /** File name on the release page. */
  file: string;
  /** `raw`: the file is the executable; `tgz`: a gzipped tar holding `entry`. */
  archive: 'raw' | 'tgz';
  /** Path of the executable inside a `tgz` asset. */
  entry?: string;
  /** Lower-case hex SHA-256 of the downloaded file; null = not pinned yet, so never used. */
  sha256: string | null;
}

export interface CloudflaredRelease {
  version: string;
  assets: Record<TargetId, CloudflaredAsset>;
}

export const CLOUDFLARED_RELEASE: CloudflaredRelease = {
  version: '2025.8.1',
  assets: {
    'linux-x64': { file: 'cloudflared-linux-amd64', archive: 'raw', sha256: null },
    'linux-arm64': { file: 'cloudflared-linux-arm64', archive: 'raw', sha256: null },
    'darwin-x64': { file: 'cloudflared-darwin-amd64.tgz', archive: 'tgz', entry: 'cloudflared', sha256: null },
    'darwin-arm64': { file: 'cloudflared-darwin-arm64.tgz', archive: 'tgz', entry: 'cloudflared', sha256: null },
    'win-x64': { file: 'cloudflared-windows-amd64.exe', archive: 'raw', sha256: null },
    'win-arm64': { file: 'cloudflared-windows-amd64.exe', archive: 'raw', sha256: null },
  },
};

/** Where release files are downloaded from; PORTHOLE_CLOUDFLARED_BASE_URL replaces it (mirrors, tests). */
export const DEFAULT_CLOUDFLARED_BASE_URL = 'https://github.com/cloudflare/cloudflared/releases/download';

export function cloudflaredAssetUrl(release: CloudflaredRelease, asset: CloudflaredAsset, env: NodeJS.ProcessEnv = process.env): string {
  const base = (env.PORTHOLE_CLOUDFLARED_BASE_URL || DEFAULT_CLOUDFLARED_BASE_URL).replace(/\/+$/, '');
  return `${base}/${release.version}/${asset.file}`;
}
