/**
 * Debian's Chromium with the built extension, driven over raw CDP instead of Playwright, for the
 * tests about the service worker's lifetime: Playwright attaches to every service worker, and while
 * DevTools is attached Chromium never stops an idle worker (seen here: a worker with nothing to do
 * stayed up 45 s under Playwright, and stopped 30 s after its last event without it). This harness
 * attaches only to the pages it drives; the worker is watched through target discovery alone.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_EXTENSION_ORIGIN } from '../../../native-host/src/protocol/extension-ids';
import { CdpClient } from './cdp-client';
import { CHROMIUM, CHROMIUM_ARGS, registerHost, waitUntil } from './chromium-harness';
import { ScriptedPage } from './scripted-page';

interface TargetInfo {
  targetId: string;
  type: string;
  url: string;
}

/** A page target with its own flat CDP session. */
export class CdpPage extends ScriptedPage {
  constructor(
    private readonly cdp: CdpClient,
    readonly targetId: string,
    private readonly sessionId: string,
  ) {
    super();
  }

  async navigate(url: string): Promise<void> {
    const loaded = new Promise<void>((done) => {
      const off = this.cdp.on('Page.loadEventFired', (_params, sessionId) => {
        if (sessionId !== this.sessionId) return;
        off();
        done();
      });
    });
    await this.cdp.send('Page.navigate', { url }, this.sessionId);
    await loaded;
  }

  protected async evaluate(expression: string): Promise<string> {
    const reply = await this.cdp.send<{
      result: { value?: unknown };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    }>('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }, this.sessionId);
    if (reply.exceptionDetails)
      throw new Error(`in the page: ${reply.exceptionDetails.exception?.description ?? reply.exceptionDetails.text}`);
    return String(reply.result.value);
  }

  async close(): Promise<void> {
    await this.cdp.send('Target.closeTarget', { targetId: this.targetId });
  }
}

export interface CdpSession {
  cdp: CdpClient;
  userDataDir: string;
  /** Opens a tab at `url`, attached, with its load finished. */
  newPage(url: string): Promise<CdpPage>;
  /** The target ids of the extension's running service workers (none while it is stopped). */
  extensionWorkers(): Promise<string[]>;
  waitForExtensionWorker(timeoutMs?: number): Promise<string>;
  /** Waits for the welcome page Porthole opens on install, and closes it. */
  closeWelcomePage(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function launchChromiumOverCdp(options: { registerHost: boolean; env: Record<string, string> }): Promise<CdpSession> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'porthole-e2e-profile-'));
  if (options.registerHost) registerHost(userDataDir);
  const chromium = spawn(
    CHROMIUM,
    ['--headless=new', `--user-data-dir=${userDataDir}`, '--remote-debugging-port=0', ...CHROMIUM_ARGS, 'about:blank'],
    {
      // The host that Chromium starts, and the cloudflared it starts, inherit this.
      env: { ...process.env, ...options.env },
      stdio: 'ignore',
    },
  );
  const exited = new Promise<void>((done) => chromium.once('exit', () => done()));
  const kill = async () => {
    if (chromium.exitCode === null && chromium.signalCode === null) chromium.kill('SIGKILL');
    await exited;
  };

  let cdp: CdpClient;
  try {
    // Chromium writes the port it chose, and the browser target's path, to this file.
    const portFile = join(userDataDir, 'DevToolsActivePort');
    await waitUntil(
      () => existsSync(portFile) && readFileSync(portFile, 'utf8').includes('\n'),
      20_000,
      'Chromium’s DevToolsActivePort file',
    );
    const [port, path] = readFileSync(portFile, 'utf8').trim().split('\n');
    cdp = await CdpClient.connect(`ws://127.0.0.1:${port}${path}`);
  } catch (error) {
    await kill();
    rmSync(userDataDir, { recursive: true, force: true });
    throw error;
  }

  const extensionWorkers = async () => {
    const { targetInfos } = await cdp.send<{ targetInfos: TargetInfo[] }>('Target.getTargets');
    return targetInfos
      .filter((target) => target.type === 'service_worker' && target.url.startsWith(CHROMIUM_EXTENSION_ORIGIN))
      .map((target) => target.targetId);
  };

  return {
    cdp,
    userDataDir,
    async newPage(url) {
      const { targetId } = await cdp.send<{ targetId: string }>('Target.createTarget', { url: 'about:blank' });
      const { sessionId } = await cdp.send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true });
      await cdp.send('Page.enable', {}, sessionId);
      const page = new CdpPage(cdp, targetId, sessionId);
      await page.navigate(url);
      return page;
    },
    extensionWorkers,
    async waitForExtensionWorker(timeoutMs = 10_000) {
      let found: string | undefined;
      await waitUntil(
        async () => {
          found = (await extensionWorkers())[0];
          return found !== undefined;
        },
        timeoutMs,
        'the extension’s service worker',
      );
      return found!;
    },
    async closeWelcomePage(timeoutMs = 10_000) {
      let welcome: TargetInfo | undefined;
      await waitUntil(
        async () => {
          const { targetInfos } = await cdp.send<{ targetInfos: TargetInfo[] }>('Target.getTargets');
          welcome = targetInfos.find(
            (target) => target.type === 'page' && target.url.startsWith(CHROMIUM_EXTENSION_ORIGIN) && target.url.includes('/welcome.html'),
          );
          return welcome !== undefined;
        },
        timeoutMs,
        'the welcome page opened on install',
      );
      await cdp.send('Target.closeTarget', { targetId: welcome!.targetId });
    },
    async close() {
      await cdp.send('Browser.close', {}, undefined, 5_000).catch(() => undefined);
      cdp.close();
      const timer = setTimeout(() => void kill(), 10_000);
      await exited;
      clearTimeout(timer);
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
