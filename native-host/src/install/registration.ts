/**
 * `porthole-host install` and `uninstall`: registers the host with each browser for this user.
 * Install writes down everything it wrote — manifests, registry keys and every folder it had to
 * create — so uninstall removes exactly that and nothing else (a folder only when it is empty again).
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { PortholeError } from '../errors.js';
import { BROWSERS, type BrowserLocation, type BrowserName, type Platform, type PlatformEnv } from '../platform/index.js';
import { writePrivateFile } from '../state-dir.js';
import { browserPresence, type PresenceProbe, realProbe } from './browser-presence.js';
import { buildHostManifest, MANIFEST_FILE } from './host-manifest.js';

export interface Registration {
  browser: BrowserName;
  manifestPath: string;
  registryKey?: string;
}

interface InstallRecord {
  hostPath: string;
  registrations: Registration[];
  /** Folders that did not exist before install made them; absent in records of older hosts. */
  createdFolders?: string[];
}

export interface InstallOptions {
  platform: Platform;
  where: PlatformEnv;
  hostPath: string;
  stateDir: string;
  /** 'all' means every browser found for this user (see browser-presence.ts). */
  browsers: 'all' | BrowserName[];
  probe?: PresenceProbe;
}

export interface UninstallResult {
  registrations: Registration[];
  /** Folders install had created, removed because they were empty again. */
  removedFolders: string[];
  /** Folders install had created that now hold files of someone else's (a log, another manifest). */
  keptFolders: string[];
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

export function selectLocations(
  platform: Platform,
  where: PlatformEnv,
  browsers: 'all' | BrowserName[],
  createdByInstall: ReadonlySet<string> = new Set(),
  probe: PresenceProbe = realProbe,
): BrowserLocation[] {
  const locations = platform.browserLocations(where);
  if (browsers !== 'all') return locations.filter((location) => browsers.includes(location.browser));
  return locations.filter((location) => browserPresence(platform.name, location, where, createdByInstall, probe).present);
}

const recordPath = (stateDir: string): string => join(stateDir, 'installed.json');

function readRecord(stateDir: string): InstallRecord | null {
  try {
    return JSON.parse(readFileSync(recordPath(stateDir), 'utf8')) as InstallRecord;
  } catch {
    return null;
  }
}

/** The folders install made, for doctor: a profile folder made by install is no sign of a browser. */
export function foldersCreatedByInstall(stateDir: string): Set<string> {
  return new Set(readRecord(stateDir)?.createdFolders ?? []);
}

/** Like `mkdir -p`, returning the folders it created, outermost first. */
export function makeFolders(folder: string, mode?: number): string[] {
  const missing: string[] = [];
  for (let current = resolve(folder); !existsSync(current); current = dirname(current)) {
    missing.unshift(current);
    if (dirname(current) === current) break;
  }
  mkdirSync(folder, { recursive: true, ...(mode !== undefined ? { mode } : {}) });
  return missing;
}

/** Writes one manifest; returns its path and the folders that had to be created for it. */
export function writeManifest(
  location: Pick<BrowserLocation, 'family' | 'manifestDir'>,
  hostPath: string,
): { path: string; createdFolders: string[] } {
  const createdFolders = makeFolders(location.manifestDir);
  const path = join(location.manifestDir, MANIFEST_FILE);
  writeFileSync(path, `${JSON.stringify(buildHostManifest(location.family, hostPath), null, 2)}\n`);
  return { path, createdFolders };
}

export function writeManifestFile(location: Pick<BrowserLocation, 'family' | 'manifestDir'>, hostPath: string): string {
  return writeManifest(location, hostPath).path;
}

export function install(options: InstallOptions): Registration[] {
  const previous = readRecord(options.stateDir);
  const created = new Set(previous?.createdFolders ?? []);
  const locations = selectLocations(options.platform, options.where, options.browsers, created, options.probe);
  if (locations.length === 0) {
    throw new PortholeError(
      'bad-request',
      `No supported browser was found for this user (looked for ${BROWSERS.join(', ')}). Start your browser once, or name it: porthole-host install --browser chrome.`,
    );
  }
  const registrations: Registration[] = [];
  for (const location of locations) {
    const written = writeManifest(location, options.hostPath);
    written.createdFolders.forEach((folder) => created.add(folder));
    const registration: Registration = { browser: location.browser, manifestPath: written.path };
    if (location.registryKey !== undefined && options.platform.registry !== undefined) {
      options.platform.registry.write(location.registryKey, written.path);
      registration.registryKey = location.registryKey;
    }
    registrations.push(registration);
  }
  // Merge with an earlier install, so that `install --browser firefox` after `install` forgets nothing.
  const kept = (previous?.registrations ?? []).filter((old) => !registrations.some((r) => r.browser === old.browser));
  // Private to this user, as the host keeps its state dir (issue 9).
  makeFolders(options.stateDir, 0o700).forEach((folder) => created.add(folder));
  const record: InstallRecord = { hostPath: options.hostPath, registrations: [...kept, ...registrations], createdFolders: [...created] };
  writePrivateFile(recordPath(options.stateDir), `${JSON.stringify(record, null, 2)}\n`);
  return registrations;
}

/** Removes an empty folder; a folder with anything in it, or already gone, is left alone. */
function removeIfEmpty(folder: string): 'removed' | 'kept' | 'gone' {
  if (!existsSync(folder)) return 'gone';
  try {
    rmdirSync(folder);
    return 'removed';
  } catch {
    return 'kept';
  }
}

export function uninstall(options: Pick<InstallOptions, 'platform' | 'stateDir'>): UninstallResult {
  const record = readRecord(options.stateDir);
  if (record === null) return { registrations: [], removedFolders: [], keptFolders: [] };
  for (const registration of record.registrations) {
    rmSync(registration.manifestPath, { force: true });
    if (registration.registryKey !== undefined) options.platform.registry?.remove(registration.registryKey);
  }
  rmSync(recordPath(options.stateDir), { force: true });
  const removedFolders: string[] = [];
  const keptFolders: string[] = [];
  // Deepest first, so that a parent is empty by the time it is looked at.
  const folders = [...(record.createdFolders ?? [])].sort((a, b) => b.length - a.length);
  for (const folder of folders) {
    const outcome = removeIfEmpty(folder);
    if (outcome === 'removed') removedFolders.push(folder);
    if (outcome === 'kept') keptFolders.push(folder);
  }
  // A kept folder keeps its parents too; naming the innermost one says it all.
  const innermost = keptFolders.filter((folder) => !keptFolders.some((other) => other !== folder && other.startsWith(`${folder}${sep}`)));
  return { registrations: record.registrations, removedFolders, keptFolders: innermost };
}

export function installedRegistrations(stateDir: string): Registration[] {
  return readRecord(stateDir)?.registrations ?? [];
}
