import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { HOST_NAME } from '../protocol/index.js';
import type { BrowserLocation, Platform, PlatformEnv, Registry } from './platform.js';
import { ensureWindowsPrivateDir } from './private-dir.js';
import { parseWindowsCommandLine } from './process-info.js';

/**
 * Windows browsers find host manifests through the registry, not folders: the manifest files live
 * in Porthole's own folder and each browser's HKCU key points at one.
 */
function browserLocations({ env, home }: PlatformEnv): BrowserLocation[] {
  const local = env.LOCALAPPDATA || join(home, 'AppData', 'Local');
  const roaming = env.APPDATA || join(home, 'AppData', 'Roaming');
  const manifests = join(local, 'Porthole', 'NativeMessagingHosts');
  const chromium = (browser: BrowserLocation['browser'], profileDir: string, keyRoot: string): BrowserLocation => ({
    browser,
    family: 'chromium',
    profileDir,
    manifestDir: join(manifests, 'chromium'),
    registryKey: `HKCU\\Software\\${keyRoot}\\NativeMessagingHosts\\${HOST_NAME}`,
  });
  return [
    chromium('chrome', join(local, 'Google', 'Chrome', 'User Data'), 'Google\\Chrome'),
    chromium('chromium', join(local, 'Chromium', 'User Data'), 'Chromium'),
    chromium('edge', join(local, 'Microsoft', 'Edge', 'User Data'), 'Microsoft\\Edge'),
    chromium('brave', join(local, 'BraveSoftware', 'Brave-Browser', 'User Data'), 'BraveSoftware\\Brave-Browser'),
    chromium('vivaldi', join(local, 'Vivaldi', 'User Data'), 'Vivaldi'),
    // Opera reads Chrome's registry key; a key of its own does no harm and keeps uninstall exact.
    chromium('opera', join(roaming, 'Opera Software', 'Opera Stable'), 'Opera Software'),
    {
      browser: 'firefox',
      family: 'firefox',
      profileDir: join(roaming, 'Mozilla', 'Firefox'),
      manifestDir: join(manifests, 'firefox'),
      registryKey: `HKCU\\Software\\Mozilla\\NativeMessagingHosts\\${HOST_NAME}`,
    },
  ];
}

const registry: Registry = {
  read(key) {
    const result = spawnSync('reg', ['query', key, '/ve'], { windowsHide: true, encoding: 'utf8' });
    if (result.status !== 0) return null;
    return /REG_SZ\s+(.+)/.exec(result.stdout)?.[1]?.trim() ?? null;
  },
  write(key, value) {
    const result = spawnSync('reg', ['add', key, '/ve', '/t', 'REG_SZ', '/d', value, '/f'], { windowsHide: true, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`reg add ${key} failed: ${result.stderr.trim()}`);
  },
  remove(key) {
    spawnSync('reg', ['delete', key, '/f'], { windowsHide: true, stdio: 'ignore' });
  },
};

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
  // Best effort, untested here: the creation time (to the tick) on the first line, the command
  // line on the second. `pid` is a validated integer, so it cannot break out of the filter.
  inspectProcess: (pid) =>
    new Promise((resolve) => {
      const script = `$p = Get-CimInstance Win32_Process -Filter "ProcessId=${Math.trunc(pid)}"; if ($p) { $p.CreationDate.ToUniversalTime().Ticks; $p.CommandLine }`;
      execFile('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', script], { windowsHide: true }, (error, stdout) => {
        const [created, ...rest] = error ? [] : stdout.replace(/\r/g, '').split('\n');
        const commandLine = rest.join('\n').trim();
        if (created === undefined || !/^\d+$/.test(created.trim()) || commandLine === '') resolve(null);
        else resolve({ argv: parseWindowsCommandLine(commandLine), commandLine, startTime: created.trim() });
      });
    }),
  ensurePrivateDir: ensureWindowsPrivateDir,
  terminate: taskkillTree,
  forceKill: taskkillTree,
  relativeManifestPaths: true,
  browserLocations,
  registry,
};
