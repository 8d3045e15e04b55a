import { CHROMIUM_EXTENSION_ORIGIN, FIREFOX_EXTENSION_ID } from './protocol/extension-ids.js';

/**
 * Who started us. Browsers pass fixed arguments (native-host/PROTOCOL.md, "Launch"); anything else
 * is a person at a terminal. Pure, so each browser's spelling is a table row in a test.
 */
export type Launch = { mode: 'browser'; browser: 'chromium' | 'firefox'; caller: string } | { mode: 'cli'; args: string[] };

export function detectLaunch(args: readonly string[]): Launch {
  const [first, second] = args;
  // Chromium family: `chrome-extension://<id>/`, on Windows followed by `--parent-window=<hwnd>`.
  if (first?.startsWith('chrome-extension://')) return { mode: 'browser', browser: 'chromium', caller: first };
  // Firefox: `<absolute path of the host manifest> <extension id>`.
  if (first !== undefined && second !== undefined && /\.json$/i.test(first) && /^(?:\{[0-9a-f-]+\}|[^\s/\\]*@[^\s/\\]+)$/i.test(second)) {
    return { mode: 'browser', browser: 'firefox', caller: second };
  }
  return { mode: 'cli', args: [...args] };
}

/**
 * A second fence behind the manifest's allowed_origins / allowed_extensions: a manifest edited by
 * hand or left by another build must not let another extension drive the host.
 */
export function isPortholeCaller(launch: Extract<Launch, { mode: 'browser' }>): boolean {
  return launch.browser === 'chromium' ? launch.caller === CHROMIUM_EXTENSION_ORIGIN : launch.caller === FIREFOX_EXTENSION_ID;
}
