/**
 * The Node that npm start builds with. Porthole's tools want Node ≥ 22.12 (package.json `engines`:
 * wxt 0.21 and its prompts need 22, and Node 20 reached its end of life in April 2026). On an older
 * Node, npm start builds with the Node 22 that the single-executable build pins and verifies
 * anyway (installers/targets.ts, fetched once from the npm registry), so a first try works without
 * installing anything.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { extractNodeBinary } from '../../installers/sea/node-binary.js';
import { NODE_VERSION, targetFor } from '../../installers/targets.js';

/** The lowest Node the engines field allows, as [major, minor]. */
export function minimumNode(engines: string): [number, number] | null {
  const match = />=\s*v?(\d+)(?:\.(\d+))?/.exec(engines);
  return match === null ? null : [Number(match[1]), Number(match[2] ?? 0)];
}

export function satisfies(version: string, minimum: [number, number]): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  return major > minimum[0] || (major === minimum[0] && minor >= minimum[1]);
}

/**
 * The folder to put first on PATH for the builds, or null when the running Node will do. Every
 * build runs through `npm`/`npx`, whose `#!/usr/bin/env node` then finds this Node.
 */
export async function buildNodeDir(root: string, say: (line: string) => void): Promise<string | null> {
  const engines = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines?: { node?: string } }).engines?.node ?? '';
  const minimum = minimumNode(engines);
  if (minimum === null || satisfies(process.versions.node, minimum)) return null;
  const target = targetFor();
  const binary = join(root, 'node_modules', '.cache', 'porthole', `node-${NODE_VERSION}-${target.id}`, 'bin', `node${target.exeSuffix}`);
  const ready = existsSync(binary) && spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout?.trim() === `v${NODE_VERSION}`;
  if (!ready) await extractNodeBinary(target, binary);
  say(
    `! Node ${process.versions.node} is older than Porthole's tools support (${engines}); building with the pinned Node ${NODE_VERSION} from the npm registry (${binary}).`,
  );
  return dirname(binary);
}
