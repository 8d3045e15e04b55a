/**
 * `porthole-host install` and `uninstall`: registers the host with each browser for this user.
 * Install writes down everything it wrote, so uninstall removes exactly that and nothing else.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PortholeError } from '../errors.js';
import { BROWSERS, type BrowserLocation, type BrowserName, type Platform, type PlatformEnv } from '../platform/index.js';
import { writePrivateFile } from '../state-dir.js';
import { buildHostManifest, MANIFEST_FILE } from './host-manifest.js';

export interface Registration {
  browser: BrowserName;
  manifestPath: string;
  registryKey?: string;
}

interface InstallRecord {
  hostPath: string;
  registrations: Registration[];
}

export interface InstallOptions {
  platform: Platform;
  where: PlatformEnv;
  hostPath: string;
  stateDir: string;
  /** 'all' means every browser this user has run (its profile folder exists). */
  browsers: 'all' | BrowserName[];
}

export function parseBrowserList(value: string): 'all' | BrowserName[] {
  if (value === 'all') return 'all';
  const names = value.split(',').map((name) => name.trim().toLowerCase());
  for (const name of names) {
    if (!(BROWSERS as readonly string[]).includes(name)) {
      throw new PortholeError('bad-request', `Unknown browser "${name}". Choose from ${BROWSERS.join(', ')}, or all.`);
    }
  }
  return names as BrowserName[];
}

export function selectLocations(locations: BrowserLocation[], browsers: 'all' | BrowserName[], exists: (path: string) => boolean = existsSync): BrowserLocation[] {
  if (browsers !== 'all') return locations.filter((location) => browsers.includes(location.browser));
  return locations.filter((location) => exists(location.profileDir));
}

const recordPath = (stateDir: string): string => join(stateDir, 'installed.json');

function readRecord(stateDir: string): InstallRecord | null {
  try {
    return JSON.parse(readFileSync(recordPath(stateDir), 'utf8')) as InstallRecord;
  } catch {
    return null;
  }
}

export function writeManifestFile(location: Pick<BrowserLocation, 'family' | 'manifestDir'>, hostPath: string): string {
  mkdirSync(location.manifestDir, { recursive: true });
  const path = join(location.manifestDir, MANIFEST_FILE);
  writeFileSync(path, `${JSON.stringify(buildHostManifest(location.family, hostPath), null, 2)}\n`);
  return path;
}

export function install(options: InstallOptions): Registration[] {
  const locations = selectLocations(options.platform.browserLocations(options.where), options.browsers);
  if (locations.length === 0) {
    throw new PortholeError(
      'bad-request',
      `No supported browser has been run by this user yet (looked for ${BROWSERS.join(', ')}). Start your browser once, or name it: porthole-host install --browser chrome.`,
    );
  }
  const registrations: Registration[] = [];
  for (const location of locations) {
    const manifestPath = writeManifestFile(location, options.hostPath);
    const registration: Registration = { browser: location.browser, manifestPath };
    if (location.registryKey !== undefined && options.platform.registry !== undefined) {
      options.platform.registry.write(location.registryKey, manifestPath);
      registration.registryKey = location.registryKey;
    }
    registrations.push(registration);
  }
  // Merge with an earlier install, so that `install --browser firefox` after `install` forgets nothing.
  const previous = readRecord(options.stateDir)?.registrations ?? [];
  const merged = [...previous.filter((old) => !registrations.some((r) => r.browser === old.browser)), ...registrations];
  // The state folder is private (0700, state-dir.ts) when the host made it; made so here for tests and first runs.
  mkdirSync(options.stateDir, { recursive: true, mode: 0o700 });
  writePrivateFile(recordPath(options.stateDir), `${JSON.stringify({ hostPath: options.hostPath, registrations: merged } satisfies InstallRecord, null, 2)}\n`);
  return registrations;
}

export function uninstall(options: Pick<InstallOptions, 'platform' | 'stateDir'>): Registration[] {
  const record = readRecord(options.stateDir);
  if (record === null) return [];
  for (const registration of record.registrations) {
    rmSync(registration.manifestPath, { force: true });
    if (registration.registryKey !== undefined) options.platform.registry?.remove(registration.registryKey);
  }
  rmSync(recordPath(options.stateDir), { force: true });
  return record.registrations;
}

export function installedRegistrations(stateDir: string): Registration[] {
  return readRecord(stateDir)?.registrations ?? [];
}
