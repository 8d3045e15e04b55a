/**
 * Where browsers read host manifests installed for every user (by the .deb, or by an administrator),
 * so that `doctor` counts those registrations too. The .deb writes exactly the Linux folders below
 * (installers/deb/build-deb.ts uses this table). Windows' HKLM keys are not read here.
 */
import { join } from 'node:path';
import type { BrowserFamily, BrowserName, Platform } from '../platform/index.js';
import { MANIFEST_FILE } from './host-manifest.js';

export interface SystemManifestDir {
  dir: string;
  family: BrowserFamily;
  /** The browsers that read this folder for every user. */
  readBy: BrowserName[];
  /** A file of its own (outside /etc), or a link to DEB_CHROMIUM_MANIFEST (inside /etc). */
  kind: 'file' | 'link';
}

export const SYSTEM_MANIFEST_DIRS: readonly SystemManifestDir[] = [
  // Chrome's documented system folder; Brave, Vivaldi and Opera on Linux read this one too (and not
  // /etc/opt/brave, /etc/opt/vivaldi…): traced by a third party, not verified here (none is in Debian).
  { dir: '/etc/opt/chrome/native-messaging-hosts', family: 'chromium', readBy: ['chrome', 'brave', 'vivaldi', 'opera'], kind: 'link' },
  { dir: '/etc/chromium/native-messaging-hosts', family: 'chromium', readBy: ['chromium'], kind: 'link' },
  // Microsoft's native messaging page: "Linux: /etc/opt/edge/native-messaging-hosts" (read before Chrome's).
  { dir: '/etc/opt/edge/native-messaging-hosts', family: 'chromium', readBy: ['edge'], kind: 'link' },
  // Firefox's system folder on Debian (XRESysNativeManifests = /usr/lib/mozilla).
  { dir: '/usr/lib/mozilla/native-messaging-hosts', family: 'firefox', readBy: ['firefox'], kind: 'file' },
];

/** macOS system-wide folders, from Chrome's, Edge's and Firefox's native messaging documentation. */
const MACOS_SYSTEM_DIRS: Partial<Record<BrowserName, string>> = {
  chrome: '/Library/Google/Chrome/NativeMessagingHosts',
  chromium: '/Library/Application Support/Chromium/NativeMessagingHosts',
  edge: '/Library/Microsoft/Edge/NativeMessagingHosts',
  firefox: '/Library/Application Support/Mozilla/NativeMessagingHosts',
};

/** The system-wide manifest paths a browser reads, in the order it reads them. */
export function systemManifestPaths(platform: Platform['name'], browser: BrowserName): string[] {
  if (platform === 'linux')
    return SYSTEM_MANIFEST_DIRS.filter((entry) => entry.readBy.includes(browser)).map((entry) => join(entry.dir, MANIFEST_FILE));
  const dir = platform === 'darwin' ? MACOS_SYSTEM_DIRS[browser] : undefined;
  return dir === undefined ? [] : [join(dir, MANIFEST_FILE)];
}
