import { beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_EXTENSION_ORIGIN } from '../../../native-host/src/protocol/extension-ids';
import { fetchThroughEdge, readFakeStates, waitForFakeState } from '../../../native-host/test/fake-cloudflared/state';
import { type CdpPage, type CdpSession, launchChromiumOverCdp } from './chromium-cdp-harness';
import { ensureBuilt, isAlive, launch, POPUP_URL, type Session, startOrigin, type WorkerChrome, waitUntil } from './chromium-harness';
import { useFakeTunnels } from './fake-tunnels';

/**
 * Chromium MV3 stops an extension's service worker 30 s after its last event, and the native port
 * lives in that worker; the host stops every tunnel when its port closes. These tests pin down
 * what that means for a share:
 * - idle: an open native port keeps the worker running (Chrome 105+), so a live share outlives
 *   the idle limit untouched; a second browser with no host to hold a port is the control, and
 *   its worker does stop;
 * - forced (a crash, DevTools' "Stop", an extension update): the worker stops regardless, the
 *   port and the host go with it, and so does the tunnel. The restarted worker starts no second
 *   tunnel, the popup says what happened, and Restart gives a new address.
 */

const ORIGIN_BODY = `<!doctype html><title>Dev server</title><h1>Porthole service worker e2e ${process.pid}</h1>`;
const PUBLIC_URL = /^https:\/\/[a-z0-9-]+\.trycloudflare\.com$/;
/** Temp folders, the fake edge (the host's reachability check comes in through it), the host's environment. */
const tunnels = useFakeTunnels();
const { temp } = tunnels;

beforeAll(async () => {
  ensureBuilt();
});

/** The popup, opened as a tab about the tab showing `pageUrl`. */
async function openPopupFor(session: CdpSession, pageUrl: string): Promise<CdpPage> {
  const popup = await session.newPage(POPUP_URL);
  const tabId = await popup.call(async (wanted) => {
    const chrome = (globalThis as unknown as { chrome: WorkerChrome }).chrome;
    return (await chrome.tabs.query({})).find((tab) => tab.url === wanted)?.id ?? null;
  }, pageUrl);
  if (tabId === null) throw new Error(`no tab shows ${pageUrl}`);
  await popup.navigate(`${POPUP_URL}?tab=${tabId}`);
  return popup;
}

describe('Porthole’s service worker and a live share', () => {
  it('a live share keeps the service worker running past Chromium’s 30 s idle limit: same worker, same URL, one tunnel, Stop works', async () => {
    const fakeDir = tunnels.fakeDir();
    const origin = await startOrigin(ORIGIN_BODY);
    const pageUrl = `http://localhost:${origin.port}/`;
    const [sharing, control] = await Promise.all([
      launchChromiumOverCdp({ registerHost: true, env: tunnels.hostEnv(fakeDir) }),
      // No host: nothing holds a port open, so this worker goes idle the normal way.
      launchChromiumOverCdp({ registerHost: false, env: { PORTHOLE_STATE_DIR: temp('porthole-e2e-state-') } }),
    ]);
    try {
      const worker = await sharing.waitForExtensionWorker();
      await control.waitForExtensionWorker();
      // Porthole opens its welcome page on install; an open extension page keeps the worker busy, so
      // the control closes it (a person would) before its worker is left to go idle.
      await control.closeWelcomePage();

      await sharing.newPage(pageUrl);
      let popup = await openPopupFor(sharing, pageUrl);
      await popup.clickButton('Share this localhost tab');
      const publicUrl = await popup.textMatching('.share-panel a.public-url', PUBLIC_URL, 'the public URL', 15_000);
      await popup.textMatching('.share-panel .hint', /^Live/, 'the share live', 15_000);
      const fake = await waitForFakeState(fakeDir, (state) => state.url === publicUrl && state.registered, 5000);
      await popup.close();

      // The same in the control browser, minus the host.
      await control.newPage(pageUrl);
      const controlPopup = await openPopupFor(control, pageUrl);
      await controlPopup.waitForText('Install the Porthole helper');
      await controlPopup.close();

      // Nothing happens until the control's idle worker is stopped (30 s after its last event).
      const idleFrom = Date.now();
      await waitUntil(
        async () => (await control.extensionWorkers()).length === 0,
        60_000,
        'the control browser’s idle service worker stopped',
      );
      console.log(`[e2e] the control's idle service worker stopped after ${((Date.now() - idleFrom) / 1000).toFixed(1)} s`);

      // The sharing browser's worker never stopped: the native port kept it, and the tunnel, up.
      expect(await sharing.extensionWorkers()).toEqual([worker]);
      expect(isAlive(fake.pid)).toBe(true);
      expect((await fetchThroughEdge(fake, '/')).body).toBe(ORIGIN_BODY);

      popup = await openPopupFor(sharing, pageUrl);
      expect(await popup.textMatching('.share-panel a.public-url', PUBLIC_URL, 'the public URL', 5000)).toBe(publicUrl);
      await popup.textMatching('.share-panel .hint', /^Live/, 'the share still live', 5000);
      await popup.waitForText('Active shares (1)');
      expect((await readFakeStates(fakeDir)).map((state) => state.pid)).toEqual([fake.pid]);

      await popup.clickButton('Stop', '.share-panel');
      await popup.waitForText('No active shares.');
      await waitUntil(async () => !isAlive(fake.pid) && (await readFakeStates(fakeDir)).length === 0, 5000, 'the fake cloudflared exited');
    } finally {
      await Promise.all([sharing.close(), control.close()]);
      await origin.close();
    }
  }, 120_000);

  it('a worker stopped anyway (a crash, DevTools, an update) takes its host and tunnel with it: no second tunnel, the popup says why, Restart gives a new URL', async () => {
    const fakeDir = tunnels.fakeDir();
    const origin = await startOrigin(ORIGIN_BODY);
    let session: Session | null = null;
    try {
      session = await launch({ registerHost: true, env: tunnels.hostEnv(fakeDir) });
      const { context } = session;
      const pageUrl = `http://localhost:${origin.port}/`;
      const page = await context.newPage();
      await page.goto(pageUrl);
      const tabId = await session.tabIdOf(pageUrl);
      let popup = await context.newPage();
      await popup.goto(`${POPUP_URL}?tab=${tabId}`);
      let panel = popup.locator('.share-panel');
      await panel.getByRole('button', { name: 'Share this localhost tab' }).click();
      await panel.getByText(/^Live(:|, and copied)/).waitFor({ timeout: 15_000 });
      const firstUrl = (await panel.getByRole('link', { name: PUBLIC_URL }).textContent())!;
      const first = await waitForFakeState(fakeDir, (state) => state.url === firstUrl && state.registered, 5000);
      await popup.close();

      // Stop the worker as DevTools' "Stop" does.
      const cdp = await context.newCDPSession(page);
      const versions: Array<{ versionId: string; scriptURL: string; runningStatus: string }> = [];
      cdp.on('ServiceWorker.workerVersionUpdated', (event) => versions.push(...event.versions));
      await cdp.send('ServiceWorker.enable');
      await waitUntil(
        () => versions.some((version) => version.scriptURL.startsWith(CHROMIUM_EXTENSION_ORIGIN)),
        5000,
        'the extension’s service worker version',
      );
      const { versionId } = versions.find((version) => version.scriptURL.startsWith(CHROMIUM_EXTENSION_ORIGIN))!;
      await cdp.send('ServiceWorker.stopWorker', { versionId });
      await waitUntil(
        () => versions.some((version) => version.versionId === versionId && version.runningStatus === 'stopped'),
        5000,
        'the service worker stopped',
      );

      // The port closed with the worker, so the host stopped the tunnel (as it does when its browser quits).
      await waitUntil(() => !isAlive(first.pid), 5000, 'the first fake cloudflared gone');

      // The popup wakes a new worker, which asks a new host: the share ended, and nothing was started again.
      popup = await context.newPage();
      await popup.goto(`${POPUP_URL}?tab=${tabId}`);
      panel = popup.locator('.share-panel');
      await panel.getByRole('button', { name: 'Restart' }).waitFor({ timeout: 10_000 });
      await expect(panel.getByRole('alert').textContent()).resolves.toContain(
        'This share ended when the browser restarted Porthole’s background',
      );
      await expect(panel.locator('.hint').textContent()).resolves.toContain(`${firstUrl} won’t work again`);
      await popup.getByText('No active shares.').waitFor();
      expect(await readFakeStates(fakeDir)).toEqual([]);

      await panel.getByRole('button', { name: 'Restart' }).click();
      await panel.getByText(/^Live(:|, and copied)/).waitFor({ timeout: 15_000 });
      const secondUrl = (await panel.getByRole('link', { name: PUBLIC_URL }).textContent())!;
      expect(secondUrl).not.toBe(firstUrl);
      const running = await readFakeStates(fakeDir);
      expect(running.map((state) => state.url)).toEqual([secondUrl]);

      await panel.getByRole('button', { name: 'Stop' }).click();
      await popup.getByText('No active shares.').waitFor();
      await waitUntil(async () => (await readFakeStates(fakeDir)).length === 0, 5000, 'the second fake cloudflared gone');
    } finally {
      await session?.close();
      await origin.close();
    }
  });
});
