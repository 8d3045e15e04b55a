import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchThroughEdge, readFakeStates, waitForFakeState } from '../../../../native-host/test/fake-cloudflared/state';
import { isAlive, startOrigin, waitUntil } from '../chromium-harness';
import { useFakeTunnels } from '../fake-tunnels';
import { ensureFirefoxBuilt, FIREFOX_POPUP_URL, type FirefoxSession, launchFirefox } from '../firefox-harness';

/**
 * The Firefox build end to end, as in share.test.ts for Chromium: a dev server on localhost, its
 * tab, the popup (opened as a tab with ?tab=<id>, Firefox's MV2 background page behind it), Share,
 * the public URL, a visitor fetching the page through the (fake) Cloudflare edge, Stop; and without
 * the host, the setup message with Firefox's reason.
 * Needs /usr/bin/firefox-esr (Debian's `firefox-esr`), the built extension (.output/firefox-mv2)
 * and host (dist/host/porthole-host), and the fake cloudflared from the project's global setup.
 */

const ORIGIN_BODY = `<!doctype html><title>Dev server</title><h1>Porthole Firefox e2e origin ${process.pid}</h1>`;
const PUBLIC_URL = /^https:\/\/[a-z0-9-]+\.trycloudflare\.com$/;
/** Temp folders, the fake edge (the host's reachability check comes in through it), the host's environment. */
const tunnels = useFakeTunnels();
const { temp } = tunnels;

beforeAll(async () => {
  ensureFirefoxBuilt();
});

describe('Porthole in Firefox', () => {
  let session: FirefoxSession | null = null;
  afterAll(async () => {
    await session?.close();
  });

  it('shares a localhost tab: URL, a visitor gets the page, stop ends cloudflared', async () => {
    const fakeDir = tunnels.fakeDir();
    const origin = await startOrigin(ORIGIN_BODY);
    const started = Date.now();
    const lap = (what: string) => console.log(`[e2e-firefox] ${what}: ${Date.now() - started} ms`);
    try {
      session = await launchFirefox({
        registerHost: true,
        env: tunnels.hostEnv(fakeDir, {
          FAKE_CLOUDFLARED_URL_DELAY_MS: '300',
          FAKE_CLOUDFLARED_REGISTER_DELAY_MS: '300',
        }),
      });
      lap('Firefox up, extension installed');

      const pageUrl = `http://localhost:${origin.port}/`;
      const page = await session.newTab(pageUrl);
      expect(await page.call(() => document.querySelector('h1')?.textContent ?? '', null)).toContain('Porthole Firefox e2e origin');

      const popup = await session.newTab(FIREFOX_POPUP_URL);
      const tabId = await session.tabIdOf(pageUrl, popup);
      await popup.navigate(`${FIREFOX_POPUP_URL}?tab=${tabId}`);
      await popup.waitForText(`http://localhost:${origin.port}`);
      await popup.clickButton('Share this localhost tab');

      const publicUrl = await popup.textMatching('.share-panel a.public-url', PUBLIC_URL, 'the public URL in the popup', 15_000);
      await popup.textMatching('.share-panel .hint', /^Live(:|, and copied)/, 'the share live', 15_000);
      await popup.waitForText('Active shares (1)');
      lap('share live');

      // A visitor opens the public URL: the fake edge forwards to the dev server.
      const fake = await waitForFakeState(fakeDir, (state) => state.url === publicUrl && state.registered, 10_000);
      const visit = await fetchThroughEdge(fake, '/');
      expect(visit.status).toBe(200);
      expect(visit.body).toBe(ORIGIN_BODY);

      // Stop: the share ends and its cloudflared is gone.
      await popup.clickButton('Stop', '.share-panel');
      await popup.waitForButton('Share this localhost tab');
      await popup.waitForText('No active shares.');
      await waitUntil(
        async () => !isAlive(fake.pid) && !(await readFakeStates(fakeDir)).some((state) => state.pid === fake.pid),
        5000,
        'the fake cloudflared exited',
      );
      lap('stopped');
    } finally {
      await session?.close();
      session = null;
      await origin.close();
    }
  });

  it('without the host registered, the popup shows how to install it, with Firefox’s reason', async () => {
    const origin = await startOrigin(ORIGIN_BODY);
    try {
      session = await launchFirefox({ registerHost: false, env: { PORTHOLE_STATE_DIR: temp('porthole-e2e-state-') } });
      const pageUrl = `http://localhost:${origin.port}/`;
      await session.newTab(pageUrl);
      const popup = await session.newTab(FIREFOX_POPUP_URL);
      await popup.navigate(`${FIREFOX_POPUP_URL}?tab=${await session.tabIdOf(pageUrl, popup)}`);
      await popup.waitForText('Install the Porthole helper');
      const text = await popup.text();
      expect(text).toContain('porthole-host install');
      // Firefox's own words for a host it cannot find (port.error), which lib/host-reachability.ts recognises.
      expect(text).toMatch(/No such native application dev\.porthole\.host/);
    } finally {
      await session?.close();
      session = null;
      await origin.close();
    }
  });
});
