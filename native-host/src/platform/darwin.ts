import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { type BrowserLocation, type Platform, type PlatformEnv, signal } from './platform.js';
import { ensurePosixPrivateDir } from './private-dir.js';
import { parsePsLine } from './process-info.js';

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
    {
      browser: 'firefox',
      family: 'firefox',
      profileDir: join(support, 'Firefox'),
      manifestDir: join(support, 'Mozilla', 'NativeMessagingHosts'),
    },
  ];
}

export const darwin: Platform = {
  name: 'darwin',
  exeSuffix: '',
  stateDir: ({ home }) => join(home, 'Library', 'Application Support', 'Porthole'),
  // macOS has no /proc; ps prints the full command line with -ww (no truncation), but joined by
  // spaces (argv: null) and the start time to the second only. Best effort: see parsePsLine.
  inspectProcess: (pid) =>
    new Promise((resolve) => {
      execFile(
        '/bin/ps',
        ['-ww', '-o', 'lstart=', '-o', 'command=', '-p', String(pid)],
        { env: { ...process.env, LC_ALL: 'C' } },
        (error, stdout) => {
          const line = error ? null : parsePsLine(stdout);
          resolve(line === null ? null : { argv: null, commandLine: line.commandLine, startTime: line.startTime });
        },
      );
    }),
  ensurePrivateDir: (path, options) => ensurePosixPrivateDir(path, process.getuid?.() ?? -1, options),
  terminate: (pid) => signal(pid, 'SIGTERM'),
  forceKill: (pid) => signal(pid, 'SIGKILL'),
  relativeManifestPaths: false,
  browserLocations,
};
