/**
 * `npm run package`: porthole-host for every target (or those named), each in
 * dist/package/<target>/ with its pinned cloudflared beside it, then each target's installer:
 *
 *   tsx installers/package.ts [--target linux-x64,win-x64] [--without-cloudflared] [--without-installers]
 *
 *   linux-x64, linux-arm64    dist/package/porthole_<version>_amd64.deb, …_arm64.deb   (installers/deb; needs dpkg-deb)
 *   win-x64                   dist/package/porthole-<version>-win-x64.msi            (installers/windows; needs wixl)
 *   darwin-x64, darwin-arm64  dist/package/porthole-<version>-darwin-<arch>.tar.gz    (installers/macos)
 *   win-arm64                 no installer: wixl cannot build ARM64 packages
 *
 * One SEA blob serves every target (installers/sea/sea-blob.ts). Unlike `npm run build`, a
 * cloudflared that cannot be fetched or is not pinned fails the package: a release without it would
 * leave users to find cloudflared themselves. `--without-cloudflared` builds the executables alone,
 * and the installers then carry no cloudflared. A missing dpkg-deb or wixl fails before anything is
 * built; `--without-installers` skips the installers. Every artifact is listed with its size at the end.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundleHost, packageVersion, SEA_WORK_DIR } from './build-host.js';
import { fetchCloudflared, pinnedSha256 } from './cloudflared/fetch-cloudflared.js';
import { buildDeb } from './deb/build-deb.js';
import { InstallerError } from './installer-error.js';
import { buildMacosArchive, canBuildMacosArchive } from './macos/build-macos.js';
import { buildExecutable } from './sea/build-executable.js';
import { makeHostBlob } from './sea/host-blob.js';
import { findTarget, hostExecutableName, TARGETS, type Target } from './targets.js';
import { buildMsi, canBuildMsi } from './windows/build-msi.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const PACKAGE_OUT_DIR = join(root, 'dist', 'package');

export interface PackageOptions {
  targets: readonly Target[];
  withCloudflared: boolean;
  /** Build each target's installer after the executables (default: yes). */
  withInstallers?: boolean;
  outDir?: string;
  log?: (line: string) => void;
}

export interface PackagedTarget {
  target: Target;
  executable: string;
  cloudflared: string | undefined;
  /** The .deb, .msi or .tar.gz; undefined when installers were not asked for or the target has none. */
  installer?: string | undefined;
}

function mebibytes(file: string): string {
  return `${(statSync(file).size / 1024 / 1024).toFixed(1)} MiB`;
}

export type InstallerKind = 'deb' | 'msi' | 'macos-archive';

/** Which installer a target gets, if any. */
export function installerKind(target: Target): InstallerKind | undefined {
  if (target.platform === 'linux') return 'deb';
  if (canBuildMsi(target)) return 'msi';
  if (canBuildMacosArchive(target)) return 'macos-archive';
  return undefined;
}

const INSTALLER_TOOLS: Partial<Record<InstallerKind, { command: string; install: string }>> = {
  deb: { command: 'dpkg-deb', install: 'dpkg-deb comes with Debian and Ubuntu (package dpkg)' },
  msi: { command: 'wixl', install: 'on Debian or Ubuntu: apt-get install wixl' },
};

export class PackageError extends InstallerError<'installer-tool-missing'> {
  constructor(message: string) {
    super('installer-tool-missing', message);
  }
}

/** Fails before anything is built when a tool an asked-for installer needs is missing. */
export function checkInstallerTools(
  targets: readonly Target[],
  has: (command: string) => boolean = (command) => spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0,
): void {
  const missing = new Map<string, string[]>();
  for (const target of targets) {
    const kind = installerKind(target);
    const tool = kind === undefined ? undefined : INSTALLER_TOOLS[kind];
    if (tool !== undefined && !has(tool.command)) missing.set(tool.command, [...(missing.get(tool.command) ?? []), target.id]);
  }
  if (missing.size === 0) return;
  const lines = [...missing].map(
    ([command, ids]) =>
      `${command} (for ${ids.join(', ')}): ${Object.values(INSTALLER_TOOLS).find((tool) => tool?.command === command)?.install ?? ''}`,
  );
  throw new PackageError(
    `Missing installer tools: ${lines.join('; ')}. Install them, or pass --without-installers to build the executables alone.`,
  );
}

async function buildInstaller(packaged: PackagedTarget, version: string, outDir: string): Promise<string | undefined> {
  const input = { target: packaged.target, version, hostExecutable: packaged.executable, cloudflared: packaged.cloudflared, outDir };
  switch (installerKind(packaged.target)) {
    case 'deb':
      return buildDeb(input);
    case 'msi':
      return buildMsi(input);
    case 'macos-archive':
      return buildMacosArchive(input);
    case undefined:
      return undefined;
  }
}

export async function packageTargets({
  targets,
  withCloudflared,
  withInstallers = true,
  outDir = PACKAGE_OUT_DIR,
  log = console.log,
}: PackageOptions): Promise<PackagedTarget[]> {
  // Refuse an unpinned cloudflared or a missing installer tool before spending a minute on executables.
  if (withCloudflared) for (const target of targets) pinnedSha256(target);
  if (withInstallers) checkInstallerTools(targets);
  const bundle = await bundleHost(join(SEA_WORK_DIR, 'porthole-host.cjs'));
  const { blob, builder, builderNode } = await makeHostBlob(bundle, SEA_WORK_DIR);
  const packaged: PackagedTarget[] = [];
  for (const target of targets) {
    const targetDir = join(outDir, target.id);
    rmSync(targetDir, { recursive: true, force: true });
    mkdirSync(targetDir, { recursive: true });
    const executable = await buildExecutable({
      target,
      blob,
      outFile: join(targetDir, hostExecutableName(target)),
      ...(target.id === builder.id ? { nodeBinary: builderNode } : {}),
    });
    const cloudflared = withCloudflared ? await fetchCloudflared({ target, destDir: targetDir }) : undefined;
    log(
      `${target.id}: ${executable} (${mebibytes(executable)})${cloudflared === undefined ? '' : `, ${cloudflared} (${mebibytes(cloudflared)})`}`,
    );
    packaged.push({ target, executable, cloudflared });
  }
  if (withInstallers) {
    const version = packageVersion();
    for (const entry of packaged) {
      const started = performance.now();
      entry.installer = await buildInstaller(entry, version, outDir);
      log(
        entry.installer === undefined
          ? `${entry.target.id}: no installer (wixl cannot build ARM64 packages): ship ${hostExecutableName(entry.target)} as it is`
          : `${entry.target.id}: ${entry.installer} (${mebibytes(entry.installer)}) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    }
  }
  return packaged;
}

/** Every file a package run made, with its size: the table printed at the end. */
export function artifactTable(packaged: readonly PackagedTarget[], root: string = PACKAGE_OUT_DIR): string {
  const files = packaged
    .flatMap(({ executable, cloudflared, installer }) => [executable, cloudflared, installer])
    .filter((file): file is string => file !== undefined);
  const names = files.map((file) => relative(root, file));
  const width = Math.max(...names.map((name) => name.length));
  return files.map((file, index) => `  ${names[index]!.padEnd(width)}  ${mebibytes(file).padStart(10)}`).join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  try {
    const { values } = parseArgs({
      options: {
        target: { type: 'string' },
        'without-cloudflared': { type: 'boolean', default: false },
        'without-installers': { type: 'boolean', default: false },
      },
    });
    const targets = values.target === undefined ? TARGETS : values.target.split(',').map((id) => findTarget(id.trim()));
    const packaged = await packageTargets({
      targets,
      withCloudflared: !values['without-cloudflared'],
      withInstallers: !values['without-installers'],
    });
    console.log(
      `packaged ${targets.length} target(s) in ${((performance.now() - started) / 1000).toFixed(1)} s, in ${relative(process.cwd(), PACKAGE_OUT_DIR) || '.'}:`,
    );
    console.log(artifactTable(packaged));
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    console.error(`package failed${typeof code === 'string' ? ` [${code}]` : ''}: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
