/**
 * Firefox for npm run start:firefox. Firefox loads an unpacked add-on only as a temporary one, which
 * a person installs through a file picker on about:debugging (one that hides `.output`) and loses at
 * every restart; so, as the end-to-end harness does (extension/test/e2e/firefox-harness.ts), the
 * Remote Agent installs it over WebDriver BiDi (`webExtension.install`, Firefox 138+).
 *
 * HOME is a throwaway folder: Firefox reads user-level host manifests from
 * $HOME/.mozilla/native-messaging-hosts/, and the person's own Firefox and files stay untouched.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { BidiClient } from '../../extension/test/e2e/bidi-client.js';
import { FIREFOX_EXTENSION_ID } from '../../native-host/src/protocol/extension-ids.js';
import { QUIET_FIREFOX_PREFS, userJs } from './quiet-browsers.js';

/** Pinned (any UUID will do) so the popup has a known address: moz-extension://<uuid>/popup.html. */
export const FIREFOX_DEV_UUID = '5f0c2a3e-7d4b-4c61-9a8e-2b1d6f3c9e70';

export function writeFirefoxProfile(profile: string): void {
  mkdirSync(profile, { recursive: true });
  const prefs = { ...QUIET_FIREFOX_PREFS, 'extensions.webextensions.uuids': JSON.stringify({ [FIREFOX_EXTENSION_ID]: FIREFOX_DEV_UUID }) };
  writeFileSync(join(profile, 'user.js'), userJs(prefs));
}

export function firefoxArgs(options: { profile: string; headless: boolean; extra: readonly string[]; url: string }): string[] {
  // Port 0: the Remote Agent picks a free loopback port and prints it on stderr.
  return [
    ...(options.headless ? ['-headless'] : []),
    '-no-remote',
    '-profile',
    options.profile,
    '--remote-debugging-port',
    '0',
    ...options.extra,
    options.url,
  ];
}

/**
 * The environment Firefox runs in: the throwaway HOME, and the X authority that the real HOME held
 * (without it, a window on the person's own display is refused once HOME moves).
 */
export function firefoxEnv(env: NodeJS.ProcessEnv, home: string): NodeJS.ProcessEnv {
  const xauthority = env.XAUTHORITY ?? join(env.HOME ?? homedir(), '.Xauthority');
  return { ...env, HOME: home, ...(existsSync(xauthority) ? { XAUTHORITY: xauthority } : {}), MOZ_CRASHREPORTER_DISABLE: '1' };
}

/** Reads the Remote Agent's address from Firefox's stderr. */
export function bidiAddress(stderr: string): string | null {
  return /WebDriver BiDi listening on (ws:\/\/\S+)/.exec(stderr)?.[1] ?? null;
}

/**
 * Opens a BiDi session and installs the extension as a temporary add-on. The session stays open
 * for as long as Firefox runs (closing it would not remove the add-on; keeping it costs nothing).
 */
export async function installFirefoxExtension(address: string, extensionDir: string): Promise<BidiClient> {
  const bidi = await BidiClient.connect(`${address}/session`);
  // Generous: a first start on a busy machine takes Firefox a while (15 s was seen to be too short).
  await bidi.send('session.new', { capabilities: {} }, 60_000);
  await bidi.send('webExtension.install', { extensionData: { type: 'path', path: extensionDir } }, 60_000);
  return bidi;
}
