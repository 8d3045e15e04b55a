/**
 * Whether a browser is really on this computer for this user, as opposed to a folder that exists
 * only because a host manifest was written into it (by `porthole-host install`, or by another
 * program's installer: several create `~/.config/<browser>/NativeMessagingHosts` for every browser
 * they know). Evidence is the browser's executable or app, or a profile folder holding something
 * besides the manifest folder (issue 12: after install + uninstall, doctor reported a browser that
 * was never installed as "installed, but Porthole is not registered").
 */
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join, relative, sep } from 'node:path';
import type { BrowserLocation, BrowserName, Platform, PlatformEnv } from '../platform/index.js';

/** Executables on PATH (Linux) or application bundles (macOS), from each browser's packages. */
const LINUX_EXECUTABLES: Record<BrowserName, string[]> = {
  chrome: ['google-chrome', 'google-chrome-stable'],
  chromium: ['chromium', 'chromium-browser'],
  edge: ['microsoft-edge', 'microsoft-edge-stable'],
  brave: ['brave-browser', 'brave'],
  vivaldi: ['vivaldi', 'vivaldi-stable'],
  opera: ['opera'],
  firefox: ['firefox', 'firefox-esr'],
};

const MACOS_APPS: Record<BrowserName, string> = {
  chrome: 'Google Chrome.app',
  chromium: 'Chromium.app',
  edge: 'Microsoft Edge.app',
  brave: 'Brave Browser.app',
  vivaldi: 'Vivaldi.app',
  opera: 'Opera.app',
  firefox: 'Firefox.app',
};

export interface PresenceProbe {
  exists(path: string): boolean;
  list(path: string): string[];
}

export const realProbe: PresenceProbe = {
  exists: existsSync,
  list: (path) => {
    try {
      return readdirSync(path);
    } catch {
      return [];
    }
  },
};

export type Presence = { present: true; evidence: string } | { present: false };

/** Candidate paths of the browser's program, per OS; none on Windows (its profile folder decides there). */
export function programCandidates(platform: Platform['name'], browser: BrowserName, where: PlatformEnv): string[] {
  if (platform === 'linux') {
    const dirs = (where.env.PATH ?? '').split(delimiter).filter((dir) => dir !== '');
    return dirs.flatMap((dir) => LINUX_EXECUTABLES[browser].map((name) => join(dir, name)));
  }
  if (platform === 'darwin') return [join('/Applications', MACOS_APPS[browser]), join(where.home, 'Applications', MACOS_APPS[browser])];
  return [];
}

/** The first path component of `inner` below `outer`, or null when `inner` is not inside it. */
function childTowards(outer: string, inner: string): string | null {
  const rel = relative(outer, inner);
  if (rel === '' || rel.startsWith('..') || rel.startsWith(sep)) return null;
  return rel.split(sep)[0] ?? null;
}

export function browserPresence(
  platform: Platform['name'],
  location: BrowserLocation,
  where: PlatformEnv,
  createdByInstall: ReadonlySet<string>,
  probe: PresenceProbe = realProbe,
): Presence {
  const program = programCandidates(platform, location.browser, where).find((path) => probe.exists(path));
  if (program !== undefined) return { present: true, evidence: `found ${program}` };
  const profile = location.profileDir;
  if (createdByInstall.has(profile) || !probe.exists(profile)) return { present: false };
  // A profile folder whose only entries lead to the manifest folder, or were made by install, holds
  // nothing of the browser's. An empty one that install did not make counts: the browser made it.
  const manifestEntry = childTowards(profile, location.manifestDir);
  const all = probe.list(profile);
  const browsers = all.filter((entry) => entry !== manifestEntry && !createdByInstall.has(join(profile, entry)));
  return browsers.length > 0 || all.length === 0 ? { present: true, evidence: `its folder ${profile} exists` } : { present: false };
}
