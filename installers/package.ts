/**
 * `npm run package`: porthole-host for every target (or those named), each in
 * dist/package/<target>/ with its pinned cloudflared beside it:
 *
 *   tsx installers/package.ts [--target linux-x64,win-x64] [--without-cloudflared]
 *
 * One SEA blob serves every target (installers/sea/sea-blob.ts). Unlike `npm run build`, a
 * cloudflared that cannot be fetched or is not pinned fails the package: a release without it would
 * leave users to find cloudflared themselves. `--without-cloudflared` builds the executables alone.
 */
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundleHost, SEA_WORK_DIR } from './build-host.js';
import { fetchCloudflared, pinnedSha256 } from './cloudflared/fetch-cloudflared.js';
import { buildExecutable } from './sea/build-executable.js';
import { makeHostBlob } from './sea/host-blob.js';
import { findTarget, hostExecutableName, TARGETS, type Target } from './targets.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const PACKAGE_OUT_DIR = join(root, 'dist', 'package');

export interface PackageOptions {
  targets: readonly Target[];
  withCloudflared: boolean;
  outDir?: string;
  log?: (line: string) => void;
}

export interface PackagedTarget {
  target: Target;
  executable: string;
  cloudflared: string | undefined;
}

function mebibytes(file: string): string {
  return `${(statSync(file).size / 1024 / 1024).toFixed(1)} MiB`;
}

export async function packageTargets({ targets, withCloudflared, outDir = PACKAGE_OUT_DIR, log = console.log }: PackageOptions): Promise<PackagedTarget[]> {
  // Refuse an unpinned cloudflared before spending a minute on executables.
  if (withCloudflared) for (const target of targets) pinnedSha256(target);
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
    log(`${target.id}: ${executable} (${mebibytes(executable)})${cloudflared === undefined ? '' : `, ${cloudflared} (${mebibytes(cloudflared)})`}`);
    packaged.push({ target, executable, cloudflared });
  }
  return packaged;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  try {
    const { values } = parseArgs({ options: { target: { type: 'string' }, 'without-cloudflared': { type: 'boolean', default: false } } });
    const targets = values.target === undefined ? TARGETS : values.target.split(',').map((id) => findTarget(id.trim()));
    await packageTargets({ targets, withCloudflared: !values['without-cloudflared'] });
    console.log(`packaged ${targets.length} target(s) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    console.error(`package failed${typeof code === 'string' ? ` [${code}]` : ''}: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
