/**
 * `porthole-host doctor`: what a person needs to see when sharing does not work — which browsers
 * know the host and whether what they point at runs, which cloudflared is used, where the log is.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { isExecutableFile } from '../cloudflared/locate.js';
import type { HostPaths } from '../host-paths.js';
import type { BrowserLocation, BrowserName, Platform, PlatformEnv } from '../platform/index.js';
import type { HelloResult } from '../protocol/index.js';
import { browserPresence, type Presence, type PresenceProbe } from './browser-presence.js';
import { type HostManifest, MANIFEST_FILE, manifestTrustsPorthole } from './host-manifest.js';
import { foldersCreatedByInstall } from './registration.js';
import { systemManifestPaths } from './system-manifests.js';

export type CheckStatus = 'ok' | 'problem' | 'absent';

export interface BrowserCheck {
  browser: BrowserLocation['browser'];
  status: CheckStatus;
  manifestPath: string;
  /** One sentence: what is there, or what is wrong and the command that fixes it. */
  summary: string;
}

export interface DoctorOptions {
  /** The host's state folder, where install records the folders it created. */
  stateDir?: string;
  probe?: PresenceProbe;
  /** Where the browser reads manifests installed for every user; systemManifestPaths() unless a test says otherwise. */
  systemManifests?: (browser: BrowserName) => string[];
}

/** What a manifest file says about Porthole: ok, or the sentence that says what is wrong. */
function checkManifestFile(location: BrowserLocation, platform: Platform, manifestPath: string, fix: string, scope: string): BrowserCheck {
  let manifest: Partial<HostManifest>;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Partial<HostManifest>;
  } catch {
    return { browser: location.browser, status: 'problem', manifestPath, summary: `${manifestPath} is not valid JSON; ${fix}` };
  }
  // The .msi writes "path": "porthole-host.exe" beside the manifest, as Windows browsers allow.
  const hostPath =
    typeof manifest.path !== 'string'
      ? null
      : isAbsolute(manifest.path)
        ? manifest.path
        : platform.relativeManifestPaths
          ? resolve(dirname(manifestPath), manifest.path)
          : null;
  const problem =
    hostPath === null
      ? 'the manifest has no absolute "path"'
      : !isExecutableFile(hostPath)
        ? `the manifest names ${hostPath}, which is missing or not executable`
        : !manifestTrustsPorthole(manifest, location.family)
          ? "the manifest does not list Porthole's extension id"
          : null;
  if (problem !== null) return { browser: location.browser, status: 'problem', manifestPath, summary: `${problem}; ${fix}` };
  return { browser: location.browser, status: 'ok', manifestPath, summary: `${scope}: ${manifestPath} → ${hostPath}` };
}

export function checkBrowser(
  location: BrowserLocation,
  platform: Platform,
  presence: () => Presence,
  systemManifests: string[] = [],
): BrowserCheck {
  const fix = `run: porthole-host install --browser ${location.browser}`;
  let manifestPath: string | null = join(location.manifestDir, MANIFEST_FILE);
  if (location.registryKey !== undefined && platform.registry !== undefined) manifestPath = platform.registry.read(location.registryKey);
  if (manifestPath !== null && existsSync(manifestPath)) return checkManifestFile(location, platform, manifestPath, fix, 'registered');
  // The browser reads its user folder first, then the system-wide one (where the .deb registers).
  const system = systemManifests.find((path) => existsSync(path));
  if (system !== undefined) {
    return checkManifestFile(location, platform, system, `reinstall the porthole package, or ${fix}`, 'registered for every user');
  }
  return absentOrUnregistered(location, manifestPath ?? join(location.manifestDir, MANIFEST_FILE), fix, presence());
}

/** A browser that is there but lacks the manifest is a problem; a folder without a browser is not (issue 12). */
function absentOrUnregistered(location: BrowserLocation, manifestPath: string, fix: string, presence: Presence): BrowserCheck {
  return presence.present
    ? {
        browser: location.browser,
        status: 'problem',
        manifestPath,
        summary: `installed (${presence.evidence}), but Porthole is not registered; ${fix}`,
      }
    : { browser: location.browser, status: 'absent', manifestPath, summary: 'not found for this user' };
}

const MARK: Record<CheckStatus, string> = { ok: '✓', problem: '✗', absent: '–' };

export function formatDoctorReport(input: { hello: HelloResult; paths: HostPaths; browsers: BrowserCheck[] }): {
  text: string;
  healthy: boolean;
} {
  const { hello, paths, browsers } = input;
  const lines = [
    `Porthole host ${hello.version} (${hello.platform}-${hello.arch}, protocol ${hello.protocol})`,
    `  executable   ${paths.hostExecutable}`,
    `  state        ${paths.stateDir}`,
    `  log          ${paths.logFile}`,
    '',
    hello.cloudflared !== null
      ? `cloudflared    ✓ ${hello.cloudflared.version ?? 'unknown version'} at ${hello.cloudflared.path} (from ${hello.cloudflared.source === 'env' ? '$PORTHOLE_CLOUDFLARED' : hello.cloudflared.source === 'bundled' ? 'beside the host' : 'PATH'})`
      : `cloudflared    ✗ ${hello.cloudflaredError?.message ?? 'not found'}`,
    '',
    'Browsers',
    ...browsers.map((check) => `  ${check.browser.padEnd(9)}  ${MARK[check.status]} ${check.summary}`),
  ];
  const healthy =
    hello.cloudflared !== null && browsers.some((check) => check.status === 'ok') && !browsers.some((check) => check.status === 'problem');
  lines.push('', healthy ? 'Everything Porthole needs is in place.' : 'Fix the ✗ lines above, then restart the browser.');
  return { text: `${lines.join('\n')}\n`, healthy };
}

export function checkAllBrowsers(platform: Platform, where: PlatformEnv, options: DoctorOptions = {}): BrowserCheck[] {
  const created = options.stateDir !== undefined ? foldersCreatedByInstall(options.stateDir) : new Set<string>();
  const system = options.systemManifests ?? ((browser: BrowserName) => systemManifestPaths(platform.name, browser));
  return platform
    .browserLocations(where)
    .map((location) =>
      checkBrowser(
        location,
        platform,
        () => browserPresence(platform.name, location, where, created, options.probe),
        system(location.browser),
      ),
    );
}
