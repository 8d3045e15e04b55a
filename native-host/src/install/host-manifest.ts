/**
 * The native messaging host manifest each browser reads to find and trust porthole-host.
 * Pure: the caller decides where it goes.
 */

import type { BrowserFamily } from '../platform/index.js';
import { CHROMIUM_EXTENSION_ORIGIN, FIREFOX_EXTENSION_ID } from '../protocol/extension-ids.js';
import { HOST_NAME } from '../protocol/index.js';

export const MANIFEST_FILE = `${HOST_NAME}.json`;

export interface HostManifest {
  name: typeof HOST_NAME;
  description: string;
  /** Absolute: browsers do not search PATH, and Chromium on Linux/macOS refuses relative paths. */
  path: string;
  type: 'stdio';
  allowed_origins?: string[];
  allowed_extensions?: string[];
}

export function buildHostManifest(family: BrowserFamily, hostPath: string): HostManifest {
  const base = {
    name: HOST_NAME,
    description: 'Porthole: shares a localhost page through a Cloudflare quick tunnel',
    path: hostPath,
    type: 'stdio' as const,
  };
  return family === 'firefox'
    ? { ...base, allowed_extensions: [FIREFOX_EXTENSION_ID] }
    : { ...base, allowed_origins: [CHROMIUM_EXTENSION_ORIGIN] };
}

/** Which of our ids a manifest lets in, so `doctor` can spot a manifest written for another build. */
export function manifestTrustsPorthole(manifest: Partial<HostManifest>, family: BrowserFamily): boolean {
  return family === 'firefox'
    ? (manifest.allowed_extensions ?? []).includes(FIREFOX_EXTENSION_ID)
    : (manifest.allowed_origins ?? []).includes(CHROMIUM_EXTENSION_ORIGIN);
}
