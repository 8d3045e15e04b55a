import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { signal, type Platform } from './platform.js';

export const darwin: Platform = {
  name: 'darwin',
  exeSuffix: '',
  stateDir: ({ home }) => join(home, 'Library', 'Application Support', 'Porthole'),
  // macOS has no /proc; ps prints the full command line with -ww (no truncation).
  commandLine: (pid) =>
    new Promise((resolve) => {
      execFile('/bin/ps', ['-ww', '-o', 'command=', '-p', String(pid)], (error, stdout) => {
        resolve(error ? null : stdout.trim() || null);
      });
    }),
  terminate: (pid) => signal(pid, 'SIGTERM'),
  forceKill: (pid) => signal(pid, 'SIGKILL'),
};
