/**
 * The macOS download: porthole-<version>-darwin-<arch>.tar.gz, one folder holding porthole-host
 * (+ cloudflared when bundled), install.sh, uninstall.sh and README.txt. A .pkg or .dmg cannot be
 * made on Linux (no xar, mkbom or HFS tools in Debian), and a per-user install needs no installer
 * app: install.sh copies the executables to ~/Library/Application Support/Porthole/bin, clears the
 * quarantine attribute and runs `porthole-host install`; uninstall.sh undoes it.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Target } from '../targets.js';
import { type TarEntry, writeTarGz } from './tar-gz.js';

const here = dirname(fileURLToPath(import.meta.url));
export const MACOS_SCRIPTS = { install: join(here, 'install.sh'), uninstall: join(here, 'uninstall.sh'), readme: join(here, 'README.txt') };

export function canBuildMacosArchive(target: Target): boolean {
  return target.platform === 'darwin';
}

/** `porthole-0.1.0-darwin-arm64`: the archive's name without .tar.gz, and the folder inside it. */
export function macosArchiveStem(version: string, target: Target): string {
  return `porthole-${version}-${target.id}`;
}

export interface MacosArchiveInput {
  target: Target;
  version: string;
  hostExecutable: string;
  cloudflared?: string | undefined;
  outDir: string;
  /** gzip level; tests use 1. */
  level?: number;
}

export function macosArchiveEntries({
  target,
  version,
  hostExecutable,
  cloudflared,
}: Omit<MacosArchiveInput, 'outDir' | 'level'>): TarEntry[] {
  const top = macosArchiveStem(version, target);
  return [
    { type: 'dir', name: top },
    { type: 'file', name: `${top}/porthole-host`, mode: 0o755, source: resolve(hostExecutable) },
    ...(cloudflared === undefined
      ? []
      : [{ type: 'file', name: `${top}/cloudflared`, mode: 0o755, source: resolve(cloudflared) } as const]),
    { type: 'file', name: `${top}/install.sh`, mode: 0o755, source: MACOS_SCRIPTS.install },
    { type: 'file', name: `${top}/uninstall.sh`, mode: 0o755, source: MACOS_SCRIPTS.uninstall },
    { type: 'file', name: `${top}/README.txt`, mode: 0o644, source: MACOS_SCRIPTS.readme },
  ];
}

/** Builds dist/package/porthole-<version>-darwin-<arch>.tar.gz (or into `outDir`) and returns its path. */
export async function buildMacosArchive(input: MacosArchiveInput): Promise<string> {
  if (!canBuildMacosArchive(input.target)) throw new Error(`The macOS archive holds a macOS executable; ${input.target.id} is not one.`);
  mkdirSync(input.outDir, { recursive: true });
  const outFile = join(input.outDir, `${macosArchiveStem(input.version, input.target)}.tar.gz`);
  try {
    await writeTarGz(outFile, macosArchiveEntries(input), input.level === undefined ? {} : { level: input.level });
  } catch (error) {
    rmSync(outFile, { force: true });
    throw error;
  }
  return outFile;
}
