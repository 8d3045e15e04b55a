/**
 * Runs the built Firefox extension (.output/firefox-mv2) in Debian's Firefox ESR, headless, driven
 * over WebDriver BiDi, the remote protocol built into Firefox: no geckodriver (Debian has none, and
 * npm's `geckodriver` downloads it), no Playwright build of Firefox, no web-ext.
 *
 * - `--remote-debugging-port 0` starts the Remote Agent, which prints the BiDi address on stderr.
 * - `webExtension.install` (Firefox 138+) installs the unpacked build as a temporary add-on, so it
 *   needs no signature; its id is the manifest's `browser_specific_settings.gecko.id`.
 * - `--remote-allow-system-access`: without it BiDi refuses to navigate to moz-extension:// pages
 *   ("Navigation to … is not allowed in this context": isWebdriverSafeNavigationURL in Firefox's
 *   remote/shared/BrowsingContextUtils.sys.mjs). With it the popup opens in a tab, as in Chromium.
 * - The add-on's internal UUID, and so the popup's address, is pinned with the
 *   `extensions.webextensions.uuids` pref.
 * - HOME is a temporary directory: Firefox reads user-level host manifests from
 *   `$HOME/.mozilla/native-messaging-hosts/`, and the person's own Firefox is never touched.
 *   Firefox starts the host with its own environment, so the host and the fake cloudflared inherit
 *   what `env` says.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIREFOX_EXTENSION_ID } from '../../../native-host/src/protocol/extension-ids';
import { QUIET_FIREFOX_PREFS } from '../../../scripts/dev/quiet-browsers';
import { HOST_NAME } from '../../lib/protocol';
import { BidiClient } from './bidi-client';
import { HOST_BINARY, newestSourceMtime, ROOT, run } from './chromium-harness';
import { ScriptedPage } from './scripted-page';

export const FIREFOX = process.env.PORTHOLE_E2E_FIREFOX ?? '/usr/bin/firefox-esr';
export const FIREFOX_EXTENSION_DIR = join(ROOT, '.output', 'firefox-mv2');
/** Any UUID will do; pinned so the test knows the add-on's moz-extension:// origin. */
export const FIREFOX_EXTENSION_UUID = '5f0c2a3e-7d4b-4c61-9a8e-2b1d6f3c9e70';
export const FIREFOX_POPUP_URL = `moz-extension://${FIREFOX_EXTENSION_UUID}/popup.html`;

const STARTUP_TIMEOUT_MS = 30_000;

/**
 * A quiet, predictable profile. The Remote Agent applies its own recommended prefs as well (no
 * updates, no telemetry, no first-run pages); these are the rest.
 */
const PREFS: Record<string, string | number | boolean> = {
  'extensions.webextensions.uuids': JSON.stringify({ [FIREFOX_EXTENSION_ID]: FIREFOX_EXTENSION_UUID }),
  // No background networking: nothing leaves this machine (shared with npm run start:firefox).
  ...QUIET_FIREFOX_PREFS,
};

/** Builds the Firefox extension when its output is missing or older than its sources (`npm test` builds first anyway). */
export function ensureFirefoxBuilt(): void {
  const manifest = join(FIREFOX_EXTENSION_DIR, 'manifest.json');
  if (!existsSync(manifest) || statSync(manifest).mtimeMs < newestSourceMtime()) run('npx', ['wxt', 'build', '-b', 'firefox']);
  if (!existsSync(HOST_BINARY)) run('npm', ['run', '--silent', 'build:host']);
  if (!existsSync(FIREFOX)) throw new Error(`No Firefox at ${FIREFOX}: apt-get update && apt-get install -y firefox-esr`);
}

/** Writes the host manifest where Firefox looks for a user's native messaging hosts. */
export function registerFirefoxHost(home: string): string {
  const dir = join(home, '.mozilla', 'native-messaging-hosts');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${HOST_NAME}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      { name: HOST_NAME, description: 'Porthole', path: HOST_BINARY, type: 'stdio', allowed_extensions: [FIREFOX_EXTENSION_ID] },
      null,
      2,
    ),
  );
  return file;
}

/** BiDi's script.evaluate result, as far as the harness reads it. */
type EvaluateResult =
  | { type: 'success'; result: { type: string; value?: unknown } }
  | { type: 'exception'; exceptionDetails: { text: string } };

/** One tab (a BiDi top-level browsing context). */
export class FirefoxTab extends ScriptedPage {
  constructor(
    private readonly bidi: BidiClient,
    readonly context: string,
  ) {
    super();
  }

  async navigate(url: string): Promise<void> {
    await this.bidi.send('browsingContext.navigate', { context: this.context, url, wait: 'complete' });
  }

  protected async evaluate(expression: string): Promise<string> {
    const reply = await this.bidi.send<EvaluateResult>('script.evaluate', {
      expression,
      target: { context: this.context },
      awaitPromise: true,
      resultOwnership: 'none',
    });
    if (reply.type === 'exception') throw new Error(`in the page: ${reply.exceptionDetails.text}`);
    return String(reply.result.value);
  }
}

export interface FirefoxSession {
  bidi: BidiClient;
  /** The temporary HOME Firefox runs with. */
  home: string;
  newTab(url: string): Promise<FirefoxTab>;
  /** The id the extension's `tabs` API gives the tab showing `url`, asked from an extension page. */
  tabIdOf(url: string, extensionPage: FirefoxTab): Promise<number>;
  close(): Promise<void>;
}

export async function launchFirefox(options: { registerHost: boolean; env: Record<string, string> }): Promise<FirefoxSession> {
  const home = mkdtempSync(join(tmpdir(), 'porthole-e2e-firefox-'));
  const profile = join(home, 'profile');
  mkdirSync(profile);
  writeFileSync(
    join(profile, 'user.js'),
    Object.entries(PREFS)
      .map(([name, value]) => `user_pref(${JSON.stringify(name)}, ${JSON.stringify(value)});\n`)
      .join(''),
  );
  if (options.registerHost) registerFirefoxHost(home);

  const firefox = spawn(
    FIREFOX,
    ['-headless', '-no-remote', '-profile', profile, '--remote-debugging-port', '0', '--remote-allow-system-access'],
    {
      // The host that Firefox starts, and the cloudflared it starts, inherit this.
      env: { ...process.env, ...options.env, HOME: home, MOZ_HEADLESS: '1', MOZ_CRASHREPORTER_DISABLE: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const exited = new Promise<void>((done) => firefox.once('exit', () => done()));
  let stderr = '';
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Firefox printed no BiDi address within ${STARTUP_TIMEOUT_MS} ms:\n${stderr}`)),
      STARTUP_TIMEOUT_MS,
    );
    firefox.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-20_000);
      const match = /WebDriver BiDi listening on (ws:\/\/\S+)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    firefox.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`Firefox exited (${code ?? signal}) before its BiDi server listened:\n${stderr}`));
    });
  });

  const kill = async () => {
    if (firefox.exitCode === null && firefox.signalCode === null) firefox.kill('SIGKILL');
    await exited;
  };
  let bidi: BidiClient;
  try {
    bidi = await BidiClient.connect(`${address}/session`);
    await bidi.send('session.new', { capabilities: {} });
    await bidi.send('webExtension.install', { extensionData: { type: 'path', path: FIREFOX_EXTENSION_DIR } });
  } catch (error) {
    await kill();
    rmSync(home, { recursive: true, force: true });
    throw error;
  }

  return {
    bidi,
    home,
    async newTab(url) {
      const { context } = await bidi.send<{ context: string }>('browsingContext.create', { type: 'tab' });
      const tab = new FirefoxTab(bidi, context);
      await tab.navigate(url);
      return tab;
    },
    async tabIdOf(url, extensionPage) {
      const id = await extensionPage.call(async (wanted) => {
        const api = (
          globalThis as unknown as { browser: { tabs: { query(query: object): Promise<Array<{ id?: number; url?: string }>> } } }
        ).browser;
        return (await api.tabs.query({})).find((tab) => tab.url === wanted)?.id ?? null;
      }, url);
      if (id === null) throw new Error(`no tab shows ${url}`);
      return id;
    },
    async close() {
      // A clean quit: Firefox closes the native port, and the host stops what it started.
      await bidi.send('browser.close', {}, 5_000).catch(() => undefined);
      bidi.close();
      const timer = setTimeout(() => void kill(), 10_000);
      await exited;
      clearTimeout(timer);
      rmSync(home, { recursive: true, force: true });
    },
  };
}
