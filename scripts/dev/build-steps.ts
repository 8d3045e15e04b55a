/**
 * The builds npm start may need, each with the files it reads and the files it writes, so that it
 * runs only when its inputs changed (see build-stamp.ts).
 */
import type { BrowserFamily } from './options.js';

export interface BuildStep {
  name: string;
  /** What the person reads while it runs. */
  label: string;
  /** Files and folders, relative to the repository, that the build reads. */
  inputs: string[];
  /** Files, relative to the repository, that the build writes and npm start uses. */
  outputs: string[];
  /** An npm or npx command line, or `fake-cloudflared` (built in-process with esbuild). */
  command: string[] | 'fake-cloudflared';
}

/** Every build depends on the dependencies and the compiler settings. */
const TOOLCHAIN = ['package.json', 'package-lock.json', 'tsconfig.json'];

export const HOST_STEP: BuildStep = {
  name: 'host',
  label: 'the host (single executable)',
  // The host imports the extension ids; installers/ holds the build itself and the pinned Node.
  inputs: ['native-host/src', 'installers', 'native-host/src/protocol/extension-ids.ts', ...TOOLCHAIN],
  outputs: ['dist/host/porthole-host'],
  command: ['npm', 'run', '--silent', 'build:host'],
};

/** The extension imports the host's message contract, so the host's sources are its inputs too. */
const EXTENSION_INPUTS = ['extension', 'native-host/src', 'wxt.config.ts', ...TOOLCHAIN];

export const CHROMIUM_EXTENSION_STEP: BuildStep = {
  name: 'extension-chromium',
  label: 'the extension for Chromium',
  inputs: EXTENSION_INPUTS,
  outputs: ['.output/chrome-mv3/manifest.json', '.output/chrome-mv3/background.js'],
  command: ['npx', 'wxt', 'build'],
};

export const FIREFOX_EXTENSION_STEP: BuildStep = {
  name: 'extension-firefox',
  label: 'the extension for Firefox',
  inputs: EXTENSION_INPUTS,
  outputs: ['.output/firefox-mv2/manifest.json', '.output/firefox-mv2/background.js'],
  command: ['npx', 'wxt', 'build', '-b', 'firefox'],
};

export const FAKE_CLOUDFLARED_OUTPUT = 'dist/test/fake-cloudflared.mjs';

export const FAKE_CLOUDFLARED_STEP: BuildStep = {
  name: 'fake-cloudflared',
  label: 'the cloudflared stand-in',
  inputs: ['native-host/test/fake-cloudflared', ...TOOLCHAIN],
  outputs: [FAKE_CLOUDFLARED_OUTPUT],
  command: 'fake-cloudflared',
};

export function stepsFor(family: BrowserFamily, offline: boolean): BuildStep[] {
  return [HOST_STEP, family === 'chromium' ? CHROMIUM_EXTENSION_STEP : FIREFOX_EXTENSION_STEP, ...(offline ? [FAKE_CLOUDFLARED_STEP] : [])];
}
