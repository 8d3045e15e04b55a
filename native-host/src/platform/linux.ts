import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { signal, type BrowserLocation, type Platform, type PlatformEnv } from './platform.js';

/** Per-user manifest folders, from each browser's native messaging documentation. */
function browserLocations({ env, home }: PlatformEnv): BrowserLocation[] {
  const config = env.XDG_CONFIG_HOME || join(home, '.config');
  const chromium = (browser: BrowserLocation['browser'], dir: string): BrowserLocation => ({
    browser,
    family: 'chromium',
    profileDir: join(config, dir),
    manifestDir: join(config, dir, 'NativeMessagingHosts'),
  });
  return [
    chromium('chrome', 'google-chrome'),
    chromium('chromium', 'chromium'),
    chromium('edge', 'microsoft-edge'),
    chromium('brave', join('BraveSoftware', 'Brave-Browser')),
    chromium('vivaldi', 'vivaldi'),
    chromium('opera', 'opera'),
    { browser: 'firefox', family: 'firefox', profileDir: join(home, '.mozilla'), manifestDir: join(home, '.mozilla', 'native-messaging-hosts') },
  ];
}

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
  relativeManifestPaths: false,
  browserLocations,
};
