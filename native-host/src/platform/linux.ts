import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BrowserLocation, type Platform, type PlatformEnv, signal } from './platform.js';
import { ensurePosixPrivateDir } from './private-dir.js';
import { type ProcessInfo, parseProcCmdline, parseProcStatStartTicks } from './process-info.js';

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
    {
      browser: 'firefox',
      family: 'firefox',
      profileDir: join(home, '.mozilla'),
      manifestDir: join(home, '.mozilla', 'native-messaging-hosts'),
    },
  ];
}

let bootId: Promise<string> | undefined;

/**
 * Start ticks count from boot, so after a reboot another process could have the same pid and the
 * same ticks; the boot id tells the two boots apart.
 */
function currentBootId(): Promise<string> {
  bootId ??= readFile('/proc/sys/kernel/random/boot_id', 'utf8').then(
    (text) => text.trim(),
    () => '',
  );
  return bootId;
}

async function inspectProcess(pid: number): Promise<ProcessInfo | null> {
  try {
    const [cmdline, stat, boot] = await Promise.all([
      readFile(`/proc/${pid}/cmdline`, 'utf8'),
      readFile(`/proc/${pid}/stat`, 'utf8'),
      currentBootId(),
    ]);
    const argv = parseProcCmdline(cmdline);
    const ticks = parseProcStatStartTicks(stat);
    return { argv, commandLine: argv.join(' '), startTime: ticks === null ? null : `${boot}:${ticks}` };
  } catch {
    return null;
  }
}

export const linux: Platform = {
  name: 'linux',
  exeSuffix: '',
  stateDir: ({ env, home }) => join(env.XDG_STATE_HOME || join(home, '.local', 'state'), 'porthole'),
  inspectProcess,
  ensurePrivateDir: (path, options) => ensurePosixPrivateDir(path, process.getuid?.() ?? -1, options),
  terminate: (pid) => signal(pid, 'SIGTERM'),
  forceKill: (pid) => signal(pid, 'SIGKILL'),
  relativeManifestPaths: false,
  browserLocations,
};
