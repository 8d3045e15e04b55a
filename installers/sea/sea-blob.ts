/**
 * Makes the SEA preparation blob: the bundled host, in the form Node reads back at start-up.
 * It must be made by the very Node version it is injected into, so it is made by running the
 * pinned Node binary of the build machine's own target, never the Node that runs this script.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SeaBuildError } from './sea-build-error.js';

export interface SeaBlobInput {
  /** The pinned Node binary that runs on this machine. */
  node: string;
  /** The CommonJS bundle of the host. */
  main: string;
  /** Folder for sea-config.json and sea-prep.blob. */
  workDir: string;
}

export function seaConfig(main: string, output: string): Record<string, unknown> {
  return {
    main,
    output,
    disableExperimentalSEAWarning: true,
    // A snapshot and a code cache are specific to the platform that made them; without them the one
    // blob fits every target, at the cost of compiling the bundle at start-up.
    useSnapshot: false,
    useCodeCache: false,
  };
}

export async function makeSeaBlob({ node, main, workDir }: SeaBlobInput): Promise<string> {
  mkdirSync(workDir, { recursive: true });
  const blob = join(workDir, 'sea-prep.blob');
  const config = join(workDir, 'sea-config.json');
  rmSync(blob, { force: true });
  writeFileSync(config, `${JSON.stringify(seaConfig(main, blob), null, 2)}\n`);
  await new Promise<void>((resolve, reject) => {
    execFile(node, ['--experimental-sea-config', config], { cwd: workDir, windowsHide: true }, (error, _stdout, stderr) => {
      if (error === null) return resolve();
      reject(
        new SeaBuildError('sea-blob-failed', `${node} --experimental-sea-config ${config} failed: ${stderr.trim() || error.message}`, {
          cause: error,
        }),
      );
    });
  });
  if (!existsSync(blob)) throw new SeaBuildError('sea-blob-failed', `${node} --experimental-sea-config ${config} wrote no ${blob}.`);
  return blob;
}
