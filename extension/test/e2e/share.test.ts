import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
// The global setup builds the fake cloudflared and declares `inject('fakeCloudflared')`.
import { fetchThroughEdge, readFakeStates, waitForFakeState } from '../../../native-host/test/fake-cloudflared/state';
import {
  ensureBuilt,
  isAlive,
  launch,
  POPUP_URL,
  popupScriptSize,
  type Session,
  startOrigin,
  type WorkerChrome,
  waitUntil,
} from './chromium-harness';
import { writeDieOnceCloudflared } from './fake-cloudflared-once';
import { useFakeTunnels } from './fake-tunnels';

/**
 * End to end, as a person uses Porthole: a dev server on localhost, its tab, the popup, Share, the
 * public URL, Copy, a visitor fetching the page through the (fake) Cloudflare edge, Stop.
 * Needs: /usr/bin/chromium, the built extension (.output/chrome-mv3) and host (dist/host/porthole-host),
 * built here if missing, and the fake cloudflared from the project's global setup.
 */

const ORIGIN_BODY = `<!doctype html><title>Dev server</title><h1>Porthole e2e origin ${process.pid}</h1>`;
const PUBLIC_URL = /^https:\/\/[a-z0-9-]+\.trycloudflare\.com$/;
/** A page deep in the app: the link Porthole gives is this page, not the server's root. */
const DEEP_PAGE = '/dashboard/settings?tab=2#billing';
const pageBody = (path: string) =>
  `<!doctype html><title>Dev server</title><h1>Porthole e2e origin ${process.pid}</h1><p id="path">${path}</p>`;
const PASSWORD = 'e2e correct horse';
const basicAuth = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
/** Temp folders, the fake edge (the host's reachability check comes in through it), the host's environment. */
const tunnels = useFakeTunnels();
const { temp } = tunnels;

beforeAll(async () => {
  ensureBuilt();
  const size = popupScriptSize();
  console.log(
    `[e2e] popup JavaScript: ${size.files.join(', ')} = ${(size.raw / 1024).toFixed(1)} KiB raw, ${(size.gzip / 1024).toFixed(1)} KiB gzipped`,
  );
  const later = size.onDemand;
  console.log(
    `[e2e] popup JavaScript on demand: ${later.files.join(', ') || 'none'} = ${(later.raw / 1024).toFixed(1)} KiB raw, ${(later.gzip / 1024).toFixed(1)} KiB gzipped`,
  );
});

describe('Porthole in Chromium', () => {
  let session: Session | null = null;
  afterAll(async () => {
    await session?.close();
  });

  it('shares a localhost tab with a password and an expiry: the link of the tab’s page, copy, visitors refused then let in and counted, settings changed live, QR code, stop ends cloudflared', async () => {
    const fakeDir = tunnels.fakeDir();
    const origin = await startOrigin(pageBody);
    try {
      session = await launch({
        registerHost: true,
        env: tunnels.hostEnv(fakeDir, {
          // Slow enough that each stage shows in the popup.
          FAKE_CLOUDFLARED_URL_DELAY_MS: '600',
          FAKE_CLOUDFLARED_REGISTER_DELAY_MS: '600',
        }),
      });
      const { context } = session;
      // Chromium refuses a grant for a chrome-extension:// origin ("opaque"), so it is granted to all.
      await context.grantPermissions(['clipboard-read', 'clipboard-write']);

      const pageUrl = `http://localhost:${origin.port}${DEEP_PAGE}`;
      const page = await context.newPage();
      await page.goto(pageUrl);
      await expect(page.locator('h1').textContent()).resolves.toContain('Porthole e2e origin');
      await expect(page.locator('#path').textContent()).resolves.toBe('/dashboard/settings?tab=2');
      const tabId = await session.tabIdOf(pageUrl);

      const popup = await context.newPage();
      await popup.goto(`${POPUP_URL}?tab=${tabId}`);
      const firstPaint = await popup.waitForFunction(() => performance.getEntriesByName('porthole:first-state-paint')[0]?.startTime ?? 0);
      console.log(`[e2e] popup open → first paint with state: ${(await firstPaint.jsonValue()).toFixed(0)} ms`);

      await popup.getByText(`http://localhost:${origin.port}`, { exact: true }).waitFor();
      // A password and an expiry, chosen under the Share button, with the keyboard as a person might.
      await popup.locator('summary', { hasText: 'Options' }).click();
      await popup.getByRole('textbox', { name: 'Protect with password' }).fill(PASSWORD);
      await popup.getByRole('combobox', { name: 'Expires after' }).selectOption({ label: '1 h' });
      await popup.getByRole('button', { name: 'Share this localhost tab' }).click();

      // The stages, as they happen.
      await popup.getByText('Getting a public address…').waitFor();
      const panel = popup.locator('.share-panel');
      // The link is the tab's page on the public address: its path, query and fragment.
      const link = popup.getByRole('link', { name: /^https:\/\/[a-z0-9-]+\.trycloudflare\.com\/dashboard\/settings\?tab=2#billing$/ });
      await link.waitFor({ timeout: 15_000 });
      const publicUrl = (await link.textContent())!;
      expect(await link.getAttribute('href')).toBe(publicUrl);
      expect(await link.getAttribute('title')).toBe(publicUrl);
      const shareRoot = new URL(publicUrl).origin;
      expect(shareRoot).toMatch(PUBLIC_URL);
      expect(publicUrl).toBe(`${shareRoot}${DEEP_PAGE}`);
      await popup.getByText(/^Live(:|, and copied)/).waitFor({ timeout: 15_000 });
      await popup.getByRole('heading', { name: 'Active shares (1)' }).waitFor();

      // The share carries what was chosen: protected, and a countdown from the host's expiresAt.
      await expect(panel.locator('.password-row').textContent()).resolves.toContain('••••••••');
      await expect(panel.getByRole('timer').textContent()).resolves.toMatch(/^stops in (1 h|59:[0-5]\d)$/);

      // "Copy automatically" is on by default: the background copied it through its offscreen document.
      await waitUntil(async () => (await popup.evaluate(() => navigator.clipboard.readText())) === publicUrl, 5000, 'the URL auto-copied');
      const worker = await session.serviceWorker();
      expect(await worker.evaluate(() => (globalThis as unknown as { chrome: WorkerChrome }).chrome.action.getBadgeText({}))).toBe('1');

      // Copy, one click, with a visible confirmation.
      await popup.evaluate(() => navigator.clipboard.writeText('something else'));
      await panel.getByRole('button', { name: 'Copy', exact: true }).click();
      await panel.getByRole('button', { name: 'Copied', exact: true }).waitFor();
      expect(await popup.evaluate(() => navigator.clipboard.readText())).toBe(publicUrl);
      // And the password, to send along with it.
      await panel.getByRole('button', { name: 'Copy the password' }).click();
      await waitUntil(async () => (await popup.evaluate(() => navigator.clipboard.readText())) === PASSWORD, 5000, 'the password copied');

      // A visitor opens the public URL: the fake edge forwards to the gateway, which asks for the password.
      const fake = await waitForFakeState(fakeDir, (state) => state.url === shareRoot && state.registered, 10_000);
      const refused = await fetchThroughEdge(fake, '/');
      expect(refused.status).toBe(401);
      expect(refused.headers['www-authenticate']).toMatch(/^Basic realm="Porthole share"/);
      // What the copied link opens (the fragment stays in the visitor's browser): the tab's page.
      const copiedLink = new URL(publicUrl);
      const visit = await fetchThroughEdge(fake, `${copiedLink.pathname}${copiedLink.search}`, {
        headers: { authorization: basicAuth('visitor', PASSWORD) },
      });
      expect(visit.status).toBe(200);
      expect(visit.body).toBe(pageBody('/dashboard/settings?tab=2'));

      // The popup counts them as the host pushes its traffic: both requests, one visitor past the password.
      const activity = popup.getByRole('region', { name: 'Visitors' });
      await activity.getByText('1 visitor · 2 requests', { exact: true }).waitFor({ timeout: 5000 });
      const rows = activity.getByRole('listitem');
      await expect(rows.allTextContents()).resolves.toEqual([
        expect.stringMatching(/^GET\/dashboard\/settings\S*200\d\d:\d\d:\d\d$/),
        // Country and visitor tag, when the edge and the host give them, sit between path and status.
        expect.stringMatching(/^GET\/\S*401\d\d:\d\d:\d\d$/),
      ]);

      // Changed on the live share (configure): no password, no expiry. The next visitor walks in.
      await panel.getByRole('button', { name: 'Remove the password' }).click();
      await panel.getByRole('button', { name: 'Add password' }).waitFor();
      await panel.getByRole('combobox', { name: 'Expires' }).selectOption('never');
      await panel.getByRole('timer').waitFor({ state: 'detached' });
      // Another browser (a visitor is an address and a browser): a second visitor.
      const open = await fetchThroughEdge(fake, '/', { headers: { 'user-agent': 'Phone' } });
      expect(open.status).toBe(200);
      await activity.getByText('2 visitors · 3 requests', { exact: true }).waitFor({ timeout: 5000 });
      // The README's picture of the popup is this screenshot (copied to docs/popup.png by hand when the UI changes).
      const box = await popup.locator('#app').boundingBox();
      // The popup is 360 px wide in the toolbar; opened as a page it sits at the left of a wider viewport.
      await popup.screenshot({
        path: join(import.meta.dirname, '../../../.output/e2e/popup-live.png'),
        clip: { x: 0, y: 0, width: 360, height: box?.height ?? 600 },
      });

      // The address as a QR code, for a phone.
      await activity.getByRole('button', { name: 'Show QR code' }).click();
      const qr = activity.getByRole('img', { name: `QR code of ${publicUrl}` });
      await qr.waitFor();
      expect(await qr.evaluate((element) => element.tagName.toLowerCase())).toBe('svg');
      const modules = Number(await qr.getAttribute('data-modules'));
      expect((modules - 17) % 4).toBe(0);
      expect(modules).toBeGreaterThanOrEqual(29);

      // Stop: the share ends and its cloudflared is gone.
      await panel.getByRole('button', { name: 'Stop', exact: true }).click();
      await popup.getByRole('button', { name: 'Share this localhost tab' }).waitFor();
      await popup.getByText('No active shares.').waitFor();
      await waitUntil(
        async () => !isAlive(fake.pid) && !(await readFakeStates(fakeDir)).some((state) => state.pid === fake.pid),
        5000,
        'the fake cloudflared exited',
      );
      expect(await worker.evaluate(() => (globalThis as unknown as { chrome: WorkerChrome }).chrome.action.getBadgeText({}))).toBe('');
    } finally {
      await session?.close();
      session = null;
      await origin.close();
    }
  });

  it('a tunnel that dies on its own comes back by itself: the popup says the address changed and shows the new one, live', async () => {
    const fakeDir = tunnels.fakeDir();
    const origin = await startOrigin(ORIGIN_BODY);
    try {
      session = await launch({
        registerHost: true,
        env: tunnels.hostEnv(fakeDir, {
          // The first tunnel dies 3 s after it is live; the one the host starts again stays up.
          PORTHOLE_CLOUDFLARED: writeDieOnceCloudflared(temp('porthole-e2e-bin-'), inject('fakeCloudflared')),
          FAKE_CLOUDFLARED_DIE_AFTER_MS: '3000',
        }),
      });
      const { context } = session;
      const pageUrl = `http://localhost:${origin.port}/`;
      const page = await context.newPage();
      await page.goto(pageUrl);
      const popup = await context.newPage();
      await popup.goto(`${POPUP_URL}?tab=${await session.tabIdOf(pageUrl)}`);
      const panel = popup.locator('.share-panel');
      await panel.getByRole('button', { name: 'Share this localhost tab' }).click();
      const link = panel.getByRole('link', { name: PUBLIC_URL });
      await link.waitFor({ timeout: 15_000 });
      const firstUrl = (await link.getAttribute('title'))!;
      await panel.getByText(/^Live(:|, and copied)/).waitFor({ timeout: 15_000 });

      // cloudflared dies: the host starts it again, and the popup says so as news, not as a failure.
      await popup.getByText(/^The address changed: cloudflared restarted\./).waitFor({ timeout: 30_000 });
      await waitUntil(
        async () => {
          const url = await link.getAttribute('title').catch(() => null);
          return url !== null && url !== firstUrl && PUBLIC_URL.test(url);
        },
        20_000,
        'the new address in the popup',
      );
      const secondUrl = (await link.getAttribute('title'))!;
      // The notice takes the hint's place in the panel; the share list says the share is live.
      await popup.getByText('Live', { exact: true }).waitFor({ timeout: 15_000 });
      expect(await panel.getByRole('button', { name: 'Restart' }).count()).toBe(0);
      await popup.getByRole('heading', { name: 'Active shares (1)' }).waitFor();

      // Only the new tunnel runs, and it serves the page.
      await waitUntil(
        async () => (await readFakeStates(fakeDir)).map((state) => state.url).join() === secondUrl,
        10_000,
        'the first fake cloudflared gone, the second one running',
      );
      const running = await readFakeStates(fakeDir);
      const visit = await fetchThroughEdge(running[0]!, '/');
      expect(visit.body).toBe(ORIGIN_BODY);

      await panel.getByRole('button', { name: 'Stop' }).click();
      await panel.getByRole('button', { name: 'Share this localhost tab' }).waitFor();
      await waitUntil(
        async () => !isAlive(running[0]!.pid) && (await readFakeStates(fakeDir)).length === 0,
        5000,
        'the second fake cloudflared gone',
      );
    } finally {
      await session?.close();
      session = null;
      await origin.close();
    }
  });

  it('the share turns amber the moment the local server stops, with no visitor', async () => {
    const origin = await startOrigin(ORIGIN_BODY);
    let closed = false;
    try {
      session = await launch({ registerHost: true, env: tunnels.hostEnv(tunnels.fakeDir()) });
      const { context } = session;
      const pageUrl = `http://localhost:${origin.port}/`;
      const page = await context.newPage();
      await page.goto(pageUrl);
      const popup = await context.newPage();
      await popup.goto(`${POPUP_URL}?tab=${await session.tabIdOf(pageUrl)}`);
      const panel = popup.locator('.share-panel');
      await panel.getByRole('button', { name: 'Share this localhost tab' }).click();
      await panel.getByText(/^Live(:|, and copied)/).waitFor({ timeout: 15_000 });
      expect(await panel.locator('.warning[data-code="origin-unreachable"]').count()).toBe(0);

      // The developer stops the dev server; nobody visits. The host notices by itself.
      // The tab keeps a connection to it open: cut it, as a stopped process would.
      origin.server.closeAllConnections();
      await origin.close();
      closed = true;
      const amber = panel.locator('.warning[data-code="origin-unreachable"]');
      await amber.waitFor({ timeout: 15_000 });
      await expect(amber.textContent()).resolves.toContain(`Nothing answers at http://localhost:${origin.port}`);
      await popup.getByText('local server down').waitFor();
    } finally {
      await session?.close();
      session = null;
      if (!closed) await origin.close();
    }
  });

  it('without the host registered, the popup shows how to install it', async () => {
    const origin = await startOrigin(ORIGIN_BODY);
    try {
      session = await launch({ registerHost: false, env: { PORTHOLE_STATE_DIR: temp('porthole-e2e-state-') } });
      const pageUrl = `http://localhost:${origin.port}/`;
      const page = await session.context.newPage();
      await page.goto(pageUrl);
      const tabId = await session.tabIdOf(pageUrl);
      const popup = await session.context.newPage();
      await popup.goto(`${POPUP_URL}?tab=${tabId}`);
      await popup.getByRole('heading', { name: 'Install the Porthole helper' }).waitFor({ timeout: 10_000 });
      await expect(popup.getByText('porthole-host install', { exact: true }).isVisible()).resolves.toBe(true);
      await expect(popup.getByText('npm start', { exact: true }).isVisible()).resolves.toBe(true);
      await expect(popup.getByText(/Specified native messaging host not found/).isVisible()).resolves.toBe(true);
    } finally {
      await session?.close();
      session = null;
      await origin.close();
    }
  });
});
