/**
 * Chromium for npm start: a throwaway --user-data-dir with the host registered in it, the
 * extension loaded unpacked, and a DevTools pipe (fds 3 and 4, not a port any local program could
 * reach) on which npm start watches for Porthole's service worker, so that it can say when
 * Porthole is loaded, and report a browser that dies before.
 */
import type { Readable, Writable } from 'node:stream';
import { CHROMIUM_EXTENSION_ORIGIN } from '../../native-host/src/protocol/extension-ids.js';
import { QUIET_CHROMIUM_ARGS } from './quiet-browsers.js';

export function chromiumArgs(options: {
  profile: string;
  extensionDir: string;
  headless: boolean;
  extra: readonly string[];
  url: string;
}): string[] {
  return [
    `--user-data-dir=${options.profile}`,
    `--disable-extensions-except=${options.extensionDir}`,
    `--load-extension=${options.extensionDir}`,
    '--remote-debugging-pipe',
    ...QUIET_CHROMIUM_ARGS,
    ...(options.headless ? ['--headless=new'] : []),
    ...options.extra,
    options.url,
  ];
}

interface TargetEvent {
  method?: string;
  params?: { targetInfo?: { type?: string; url?: string } };
}

/**
 * Resolves once Chromium reports the extension's service worker (CDP target discovery over the
 * pipe: JSON messages, each ended by a NUL byte). The pipe stays open and read afterwards, so that
 * Chromium never blocks writing to it.
 */
export function waitForChromiumExtension(toBrowser: Writable, fromBrowser: Readable): Promise<void> {
  return new Promise((resolve) => {
    let buffered = '';
    let done = false;
    fromBrowser.on('data', (chunk: Buffer) => {
      if (done) return;
      buffered += chunk.toString('utf8');
      const messages = buffered.split('\0');
      buffered = messages.pop() ?? '';
      for (const text of messages) {
        let message: TargetEvent;
        try {
          message = JSON.parse(text) as TargetEvent;
        } catch {
          continue;
        }
        const info = message.params?.targetInfo;
        if (info?.type === 'service_worker' && info.url?.startsWith(CHROMIUM_EXTENSION_ORIGIN)) {
          done = true;
          resolve();
          return;
        }
      }
    });
    // Errors on the pipe mean the browser went away; its exit is reported elsewhere.
    fromBrowser.on('error', () => undefined);
    toBrowser.on('error', () => undefined);
    toBrowser.write(`${JSON.stringify({ id: 1, method: 'Target.setDiscoverTargets', params: { discover: true } })}\0`);
  });
}

/** Asks Chromium to quit as its menu would (CDP Browser.close on the pipe). */
export function closeChromium(toBrowser: Writable): void {
  toBrowser.write(`${JSON.stringify({ id: 2, method: 'Browser.close' })}\0`);
}

/** A sentence for what a dying Chromium's last lines say, when one is known. */
export function chromiumHint(lines: readonly string[]): string | null {
  const text = lines.join('\n');
  if (/No usable sandbox|namespace|setuid sandbox/i.test(text)) {
    return 'Chromium could not start its sandbox (it needs unprivileged user namespaces). Allow them (sysctl kernel.unprivileged_userns_clone=1, or the AppArmor rule your distribution documents), or for a throwaway session: PORTHOLE_BROWSER_ARGS=--no-sandbox npm start';
  }
  if (/Missing X server|cannot open display|Unable to open X display/i.test(text)) {
    return 'Chromium found no X server at $DISPLAY: run xvfb-run npm start, or PORTHOLE_HEADLESS=1 npm start.';
  }
  return null;
}
