import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { signal, type BrowserLocation, type Platform, type PlatformEnv } from './platform.js';

function browserLocations({ home }: PlatformEnv): BrowserLocation[] {
  const support = join(home, 'Library', 'Application Support');
  const chromium = (browser: BrowserLocation['browser'], dir: string): BrowserLocation => ({
    browser,
    family: 'chromium',
    profileDir: join(support, dir),
    manifestDir: join(support, dir, 'NativeMessagingHosts'),
  });
  return [
    chromium('chrome', join('Google', 'Chrome')),
    chromium('chromium', 'Chromium'),
    chromium('edge', 'Microsoft Edge'),
    chromium('brave', join('BraveSoftware', 'Brave-Browser')),
    chromium('vivaldi', 'Vivaldi'),
    chromium('opera', 'com.operasoftware.Opera'),
    { browser: 'firefox', family: 'firefox', profileDir: join(support, 'Firefox'), manifestDir: join(support, 'Mozilla', 'NativeMessagingHosts') },
  ];
}

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
  relativeManifestPaths: false,
  browserLocations,
};
