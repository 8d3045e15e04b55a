/**
 * What npm start checks before it builds anything: a browser it can drive, a screen to show it on,
 * and whether it runs as root. Pure: the machine is described by `Machine`, so that every case is a
 * unit test and the checks take milliseconds (a missing display used to be reported after a 30 s
 * build).
 */
import { delimiter, join } from 'node:path';
import type { BrowserFamily, StartOptions } from './options.js';

export interface Machine {
  platform: NodeJS.Platform;
  /** null where there are no user ids (Windows). */
  uid: number | null;
  env: NodeJS.ProcessEnv;
  isExecutable(path: string): boolean;
  exists(path: string): boolean;
}

export interface Problem {
  code: 'no-browser' | 'browser-not-executable' | 'no-display';
  /** What is wrong, then what to do, one sentence each. */
  lines: string[];
}

export interface Preflight {
  browser: string | null;
  /** Flags the situation needs (--no-sandbox as root). */
  browserArgs: string[];
  /** One line each, printed before starting. */
  notes: string[];
  problems: Problem[];
}

/** Chromium-family browsers that still honour --load-extension (branded Google Chrome dropped it in 137). */
const CHROMIUM_NAMES = ['chromium', 'chromium-browser', 'google-chrome-for-testing', 'brave-browser', 'microsoft-edge'];
const CHROMIUM_MAC = [
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing',
];
/** Firefox ESR and Firefox 138+ install an unpacked add-on over WebDriver BiDi (webExtension.install). */
const FIREFOX_NAMES = ['firefox-esr', 'firefox'];
const FIREFOX_MAC = ['/Applications/Firefox.app/Contents/MacOS/firefox'];

const INSTALL_HINT: Record<BrowserFamily, string> = {
  chromium:
    'Install Chromium (Debian/Ubuntu: sudo apt-get install chromium; macOS: brew install --cask chromium), or name one: PORTHOLE_BROWSER=/path/to/browser npm start',
  firefox:
    'Install Firefox ESR (Debian/Ubuntu: sudo apt-get install firefox-esr; macOS: brew install --cask firefox), or name one: PORTHOLE_BROWSER=/path/to/firefox npm run start:firefox',
};

export function findBrowser(family: BrowserFamily, machine: Machine): string | null {
  const names = family === 'chromium' ? CHROMIUM_NAMES : FIREFOX_NAMES;
  for (const dir of (machine.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    for (const name of names) if (machine.isExecutable(join(dir, name))) return join(dir, name);
  }
  if (machine.platform !== 'darwin') return null;
  return (family === 'chromium' ? CHROMIUM_MAC : FIREFOX_MAC).find((path) => machine.exists(path)) ?? null;
}

/** Where to look on PATH when PORTHOLE_BROWSER is a bare name. */
function onPath(name: string, machine: Machine): string | null {
  for (const dir of (machine.env.PATH ?? '').split(delimiter))
    if (dir !== '' && machine.isExecutable(join(dir, name))) return join(dir, name);
  return null;
}

/**
 * Linux and the BSDs need an X or Wayland server for a window; macOS and Windows always have a
 * screen. A local DISPLAY (":99") is checked for its socket, since xvfb-run that already quit, or a
 * DISPLAY copied from another session, otherwise ends in the browser's own cryptic error.
 */
function displayProblem(options: StartOptions, machine: Machine): Problem | null {
  if (options.headless || machine.platform === 'darwin' || machine.platform === 'win32') return null;
  const { DISPLAY, WAYLAND_DISPLAY } = machine.env;
  const what = options.family === 'firefox' ? 'npm run start:firefox' : 'npm start';
  const fix = `Run it under a virtual screen: xvfb-run ${what}; or without a window: PORTHOLE_HEADLESS=1 ${what} (the browser runs, Porthole loads, nothing is shown).`;
  if ((DISPLAY === undefined || DISPLAY === '') && (WAYLAND_DISPLAY === undefined || WAYLAND_DISPLAY === '')) {
    return { code: 'no-display', lines: ['No display to open a browser window on (neither DISPLAY nor WAYLAND_DISPLAY is set).', fix] };
  }
  const local = /^(?:unix)?:(\d+)(?:\.\d+)?$/.exec(DISPLAY ?? '');
  if (local !== null && !WAYLAND_DISPLAY && !machine.exists(`/tmp/.X11-unix/X${local[1]}`)) {
    return { code: 'no-display', lines: [`DISPLAY is ${DISPLAY}, but no X server listens there (no /tmp/.X11-unix/X${local[1]}).`, fix] };
  }
  return null;
}

export function preflight(options: StartOptions, machine: Machine): Preflight {
  const result: Preflight = { browser: null, browserArgs: [], notes: [], problems: [] };
  const name = options.family === 'chromium' ? 'Chromium-family browser that can load an unpacked extension' : 'Firefox';
  if (options.browser !== null) {
    const path = options.browser.includes('/') || options.browser.includes('\\') ? options.browser : onPath(options.browser, machine);
    if (path === null || !machine.isExecutable(path)) {
      result.problems.push({
        code: 'browser-not-executable',
        lines: [`PORTHOLE_BROWSER is ${options.browser}, but no executable file is there.`, INSTALL_HINT[options.family]],
      });
    } else result.browser = path;
  } else {
    result.browser = findBrowser(options.family, machine);
    if (result.browser === null)
      result.problems.push({ code: 'no-browser', lines: [`No ${name} was found on PATH.`, INSTALL_HINT[options.family]] });
  }
  const display = displayProblem(options, machine);
  if (display !== null) result.problems.push(display);
  if (options.family === 'chromium' && machine.uid === 0) {
    // Chromium's sandbox refuses to start as root ("Running as root without --no-sandbox is not supported").
    result.browserArgs.push('--no-sandbox');
    result.notes.push(
      'running as root: Chromium cannot sandbox itself as root, so it starts with --no-sandbox (use a normal account for everyday browsing).',
    );
  }
  return result;
}
