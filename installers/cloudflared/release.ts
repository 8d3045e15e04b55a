/**
 * The cloudflared release bundled beside porthole-host, one pinned file per target.
 *
 * Linux builds are bare binaries, macOS builds `.tgz` archives holding one file named `cloudflared`,
 * Windows builds `.exe` files. Cloudflare publishes no Windows arm64 build, so win-arm64 bundles the
 * amd64 one, which Windows 11 on Arm runs under its x64 emulation.
 *
 * Two digests per macOS asset (issue 12): `sha256` is the SHA-256 of the downloaded `.tgz` as GitHub
 * serves it, `binarySha256` that of the `cloudflared` inside it. The release notes' "SHA256
 * Checksums" block lists the binaries; public projects that pin cloudflared 2026.9.3 by download
 * (Homebrew-style formulas, build scripts, Rust and Python fetchers, found through code search)
 * agree on the archive values below, and one lists both values side by side, matching the binary
 * values pinned here before. These machines cannot reach GitHub to hash the files themselves.
 *
 * `fetchCloudflared` refuses a download whose SHA-256 differs, an extracted binary whose SHA-256
 * differs, and an asset without both values, rather than bundle an unverified binary. When moving
 * to another release, change the version and every digest together.
 */
import type { TargetId } from '../targets.js';

interface AssetBase {
  /** File name on the release page. */
  file: string;
  /** Lower-case hex SHA-256 of the downloaded file; null = not pinned yet, so never used. */
  sha256: string | null;
}

/** The file is the executable. */
export interface RawAsset extends AssetBase {
  archive: 'raw';
}

/** A gzipped tar holding the executable at `entry`. */
export interface TgzAsset extends AssetBase {
  archive: 'tgz';
  /** Path of the executable inside the archive; `cloudflared` when absent. */
  entry?: string;
  /** Lower-case hex SHA-256 of the extracted executable; null = not pinned yet, so never used. */
  binarySha256: string | null;
}

export type CloudflaredAsset = RawAsset | TgzAsset;

export interface CloudflaredRelease {
  version: string;
  assets: Record<TargetId, CloudflaredAsset>;
}

export const CLOUDFLARED_RELEASE: CloudflaredRelease = {
  version: '2026.9.3',
  assets: {
    'linux-x64': {
      file: 'cloudflared-linux-amd64',
      archive: 'raw',
      sha256: '77e26d8d900e0b8469f416239d14b5f296525fdf79fee6f511ef55609e3fbac2',
    },
    'linux-arm64': {
      file: 'cloudflared-linux-arm64',
      archive: 'raw',
      sha256: 'aaeb2d7d0da3614634c7e03ab13487a1522c2e79165ed2929cfe23d5e95b326d',
    },
    'darwin-x64': {
      file: 'cloudflared-darwin-amd64.tgz',
      archive: 'tgz',
      entry: 'cloudflared',
      sha256: 'd1155d0837487f261183b15c1eab6c4ebcad9dc49b94675f1524c3564cea3977',
      binarySha256: 'ab588b3b4db9cdb4476c30a3db2a72635b1d8327d44741fee6799a0f37b0ec07',
    },
    'darwin-arm64': {
      file: 'cloudflared-darwin-arm64.tgz',
      archive: 'tgz',
      entry: 'cloudflared',
      sha256: '587c2cfb1c230fe36c7fa7727da78be459dae028cabe8c001291999350f07095',
      binarySha256: '5472c1a01c84bc31b3021056a73b4e5774ddddefc572124ea8fdf6c340639f32',
    },
    'win-x64': {
      file: 'cloudflared-windows-amd64.exe',
      archive: 'raw',
      sha256: 'f096265ec2fcbe9bb6e2d64268db167ced3fcbb83d894bdb9e2fcdb26f2ea7e2',
    },
    'win-arm64': {
      file: 'cloudflared-windows-amd64.exe',
      archive: 'raw',
      sha256: 'f096265ec2fcbe9bb6e2d64268db167ced3fcbb83d894bdb9e2fcdb26f2ea7e2',
    },
  },
};

/** Where release files are downloaded from; PORTHOLE_CLOUDFLARED_BASE_URL replaces it (mirrors, tests). */
export const DEFAULT_CLOUDFLARED_BASE_URL = 'https://github.com/cloudflare/cloudflared/releases/download';

export function cloudflaredAssetUrl(release: CloudflaredRelease, asset: CloudflaredAsset, env: NodeJS.ProcessEnv = process.env): string {
  const base = (env.PORTHOLE_CLOUDFLARED_BASE_URL || DEFAULT_CLOUDFLARED_BASE_URL).replace(/\/+$/, '');
  return `${base}/${release.version}/${asset.file}`;
}
