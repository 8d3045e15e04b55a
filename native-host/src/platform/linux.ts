import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { signal, type Platform } from './platform.js';

export const linux: Platform = {
  name: 'linux',
  exeSuffix: '',
  stateDir: ({ env, home }) => join(env.XDG_STATE_HOME || join(home, '.local', 'state'), 'porthole'),
  async commandLine(pid) {
    try {
      const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8');
      return raw.replace(/\0+$/, '').split('\0').join(' ');
    } catch {
      return null;
    }
  },
  terminate: (pid) => signal(pid, 'SIGTERM'),
  forceKill: (pid) => signal(pid, 'SIGKILL'),
};
