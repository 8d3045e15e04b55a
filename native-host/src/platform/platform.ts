/**
 * What differs between operating systems, behind one interface. Each OS has one file exporting
 * a `Platform`; `index.ts` picks one, and nothing else in the host asks which OS it runs on.
 */
import type { PrivateDirVerdict } from './private-dir.js';
import type { ProcessInfo } from './process-info.js';

export type { PrivateDirProblem, PrivateDirVerdict } from './private-dir.js';
export type { ProcessInfo } from './process-info.js';
export interface PlatformEnv {
  env: NodeJS.ProcessEnv;
  home: string;
}

export const BROWSERS = ['chrome', 'chromium', 'edge', 'brave', 'vivaldi', 'opera', 'firefox'] as const;
export type BrowserName = (typeof BROWSERS)[number];
/** Chromium-family browsers read `allowed_origins`; Firefox reads `allowed_extensions`. */
export type BrowserFamily = 'chromium' | 'firefox';

/** Where one browser looks for native messaging host manifests, per user. */
export interface BrowserLocation {
  browser: BrowserName;
  family: BrowserFamily;
  /** Exists when the browser has been run by this user: how "installed browsers" are detected. */
  profileDir: string;
  /** Folder the host manifest is written to. */
  manifestDir: string;
  /** Windows only: the HKCU key whose default value names the manifest. */
  registryKey?: string;
}

/** The per-user registry, where Windows browsers look up host manifests. */
export interface Registry {
  read(key: string): string | null;
  write(key: string, value: string): void;
  remove(key: string): void;
}

export interface Platform {
  name: 'linux' | 'darwin' | 'win32';
  /** Appended to executable names: '' or '.exe'. */
  exeSuffix: string;
  /** Where the host keeps its log and its record of running tunnels. */
  stateDir(where: PlatformEnv): string;
  /**
   * What the OS says about a running process (its arguments, when it started), or null when there
   * is no such process or the OS would not tell. Never throws.
   */
  inspectProcess(pid: number): Promise<ProcessInfo | null>;
  /**
   * Makes `path` a folder only this user can use (creating it, and its parents, if missing), or
   * says why it cannot be one. An existing folder of the user's that is too open is made private
   * unless `tighten` is false. Never throws.
   */
  ensurePrivateDir(path: string, options?: { tighten?: boolean }): PrivateDirVerdict;
  /** Asks a process to stop, letting it finish what it is doing. */
  terminate(pid: number): void;
  /** Ends a process and everything it started, now. */
  forceKill(pid: number): void;
  /** Windows browsers resolve a relative manifest `path` against the manifest's folder; elsewhere it must be absolute. */
  relativeManifestPaths: boolean;
  /** One row per supported browser: where it keeps host manifests for this user. */
  browserLocations(where: PlatformEnv): BrowserLocation[];
  /** Only on Windows. */
  registry?: Registry;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Signals a process that may already be gone; a vanished process is the outcome we wanted. */
export function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
