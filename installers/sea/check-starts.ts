/**
 * Runs a freshly built executable of this machine's own target once (`--version`), so that a blob
 * Node refuses, or a bundle that throws at load, fails the build instead of the first browser.
 */
import { execFile } from 'node:child_process';
import { SeaBuildError } from './sea-build-error.js';

export function checkStarts(executable: string, expectedVersion: string, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(executable, ['--version'], { timeout: timeoutMs, windowsHide: true }, (error, stdout, stderr) => {
      if (error === null && stdout.trim() === expectedVersion) return resolve();
      const said = `${stdout}${stderr}`.trim() || error?.message || '(nothing)';
      reject(
        new SeaBuildError('executable-does-not-start', `${executable} --version should print ${expectedVersion} but said: ${said}`, {
          cause: error ?? undefined,
        }),
      );
    });
  });
}
