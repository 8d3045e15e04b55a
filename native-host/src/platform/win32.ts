import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Platform } from './platform.js';

/**
 * Windows has no signals a console program like cloudflared can catch from us, and killing a
 * process does not kill what it started: taskkill /T ends the whole tree.
 */
function taskkillTree(pid: number): void {
  spawnSync('taskkill', ['/pid', String(pid), '/T', '/F'], { windowsHide: true, stdio: 'ignore' });
}

export const win32: Platform = {
  name: 'win32',
  exeSuffix: '.exe',
  stateDir: ({ env, home }) => join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'Porthole'),
  commandLine: (pid) =>
    new Promise((resolve) => {
      execFile(
        'powershell.exe',
        ['-NoProfile', '-NonInteractive', '-Command', `(Get-CimInstance Win32_Process -Filter "ProcessId=${pid}").CommandLine`],
        { windowsHide: true },
        (error, stdout) => resolve(error ? null : stdout.trim() || null),
      );
    }),
  terminate: taskkillTree,
  forceKill: taskkillTree,
};
