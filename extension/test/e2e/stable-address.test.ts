import { request } from 'node:http';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StandinApi, ZONE_NAME } from '../../../native-host/test/cloudflare-standin/standin-api';
import { type FakeCloudflaredState, readFakeStates, splitHostPort } from '../../../native-host/test/fake-cloudflared/state';
import { ensureBuilt, isAlive, launch, POPUP_URL, ROOT, type Session, startOrigin, waitUntil } from './chromium-harness';
import { useFakeTunnels } from './fake-tunnels';

/**
 * Stable addresses end to end (issue 14), as a person uses them: the options page connects a
 * Cloudflare account (the login page opens in a tab, the person picks the zone there), the popup
 * shares a localhost tab on `<name>.<zone>`, a visitor reaches the page by that hostname through the
 * named tunnel, and Disconnect removes what Porthole created. Real Chromium, the built extension and
 * host; the fake cloudflared in named mode and the loopback stand-in of Cloudflare's API and login.
 */

const OPTIONS_URL = POPUP_URL.replace('/popup.html', '/options.html');
const PAGE = (path: string) => `<!doctype html><title>Acme Shop</title><h1>Acme shop e2e ${process.pid}</h1><p id="path">${path}</p>`;
const tunnels = useFakeTunnels();
let api: StandinApi | null = null;

beforeAll(async () => {
  ensureBuilt();
  api = await StandinApi.start();
});
afterAll(() => api?.close());

/** The running named tunnel's fake cloudflared: its edge serves every hostname routed to it. */
async function namedTunnel(fakeDir: string): Promise<FakeCloudflaredState> {
  let found: FakeCloudflaredState | undefined;
  await waitUntil(
    async () => {
      found = (await readFakeStates(fakeDir)).find((state) => state.mode === 'named' && state.edge !== null && isAlive(state.pid));
      return found !== undefined;
    },
    10_000,
    'the named tunnel runs',
  );
  return found as FakeCloudflaredState;
}

/** A visitor at `https://<hostname><path>`: the request reaches the tunnel's edge with that Host. */
function visit(tunnel: FakeCloudflaredState, hostname: string, path: string): Promise<{ status: number; body: string }> {
  const [host, port] = splitHostPort(tunnel.edge ?? '');
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, headers: { host: hostname }, agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function shoot(page: Page, selector: string, file: string, width: number): Promise<void> {
  const box = await page.locator(selector).boundingBox();
  await page.screenshot({
    path: join(ROOT, 'docs', file),
    clip: { x: 0, y: 0, width, height: Math.ceil((box?.y ?? 0) + (box?.height ?? 600)) + 8 },
  });
}

describe('stable addresses in Chromium', () => {
  let session: Session | null = null;
  afterAll(async () => {
    await session?.close();
  });

  it('connects an account from the options page, shares a tab on its stable hostname, a visitor reaches it by name, Disconnect removes it all', async () => {
    const standin = api!;
    const fakeDir = tunnels.fakeDir();
    const origin = await startOrigin(PAGE);
    try {
      session = await launch({
        registerHost: true,
        env: tunnels.hostEnv(fakeDir, {
          PORTHOLE_CLOUDFLARE_API_URL: standin.apiUrl,
          PORTHOLE_CLOUDFLARE_LOGIN_URL: standin.loginUrl,
          PORTHOLE_CLOUDFLARE_CALLBACK_URL: standin.callbackUrl,
          FAKE_CLOUDFLARED_EDGE_DNS: `http://127.0.0.1:${standin.port}`,
          FAKE_CLOUDFLARED_LOGIN_POLL_MS: '50',
        }),
      });
      const { context } = session;

      // Options: not connected yet; Connect opens Cloudflare's page in a tab and waits for the zone.
      const options = await context.newPage();
      await options.setViewportSize({ width: 560, height: 900 });
      await options.goto(OPTIONS_URL);
      const connect = options.getByRole('button', { name: 'Connect Cloudflare account' });
      await connect.waitFor({ timeout: 15_000 });
      const loginTab = context.waitForEvent('page', { predicate: (page) => page.url().startsWith(standin.loginUrl), timeout: 15_000 });
      await connect.click();
      const login = await loginTab;
      await login.getByText('Authorize Cloudflare Tunnel').waitFor();
      await options.getByText('Waiting for you to pick a domain in the Cloudflare tab…').waitFor();
      // The person picks the zone in that tab: cloudflared's poll gets the certificate, the host pushes account-event.
      standin.authorise();
      await options.locator('.zone', { hasText: ZONE_NAME }).waitFor({ timeout: 15_000 });
      await login.close();

      // The popup on a localhost tab: the stable address on the zone, named from the page's title.
      const pageUrl = `http://localhost:${origin.port}/cart?step=2`;
      const page = await context.newPage();
      await page.goto(pageUrl);
      const tabId = await session.tabIdOf(pageUrl);
      const popup = await context.newPage();
      await popup.goto(`${POPUP_URL}?tab=${tabId}`);
      await popup.getByRole('radio', { name: `Stable address on ${ZONE_NAME}` }).click();
      const name = popup.getByRole('textbox', { name: 'Stable name' });
      expect(await name.inputValue()).toBe('acme-shop');
      // A name the host would refuse never leaves the popup.
      await name.fill('acme shop');
      await popup
        .getByRole('alert')
        .getByText(/only letters a–z, digits 0–9 and hyphens/)
        .waitFor();
      expect(await popup.getByRole('button', { name: 'Share this localhost tab' }).isDisabled()).toBe(true);
      await name.fill('shop-e2e');
      await popup.getByRole('button', { name: 'Share this localhost tab' }).click();

      const hostname = `shop-e2e.${ZONE_NAME}`;
      const link = popup.getByRole('link', { name: `https://${hostname}/cart?step=2` });
      await link.waitFor({ timeout: 20_000 });
      await popup.locator('.share-panel .address-mark', { hasText: 'stable' }).waitFor();
      await popup.locator('.share-list .address-mark', { hasText: 'stable' }).waitFor();

      // What Porthole created in the account: a CNAME to its tunnel. A visitor reaches the tab's page by that name.
      expect(standin.tunnelFor(hostname)).not.toBeNull();
      const tunnel = await namedTunnel(fakeDir);
      await waitUntil(async () => (await visit(tunnel, hostname, '/cart?step=2')).status === 200, 10_000, 'the stable hostname serves');
      const seen = await visit(tunnel, hostname, '/cart?step=2');
      expect(seen.body).toBe(PAGE('/cart?step=2'));
      // Live, and checked from "the internet": the probe reached the page by its stable hostname.
      await popup.locator('.share-panel .hint', { hasText: /^Live/ }).waitFor({ timeout: 15_000 });
      expect(await popup.locator('[data-code="unverified"]').count()).toBe(0);
      await shoot(popup, 'main.popup', 'popup/stable-e2e-live.png', 360);

      // The options page lists the tunnel and the hostname (read afresh when it opens).
      await options.reload();
      await options.getByRole('list', { name: 'Stable addresses Porthole routed' }).getByText(hostname).waitFor({ timeout: 10_000 });
      const tunnelRecord = standin.tunnels.find((candidate) => candidate.deleted_at === null);
      expect(tunnelRecord).toBeDefined();
      await options.getByText(tunnelRecord!.name, { exact: true }).waitFor();
      await shoot(options, 'main.options', 'options/stable-e2e-connected.png', 560);

      // Disconnect: the confirmation names the tunnel and the record; then both are gone and the share stopped.
      await options.getByRole('button', { name: 'Disconnect' }).click();
      const confirm = options.getByRole('alertdialog');
      await expect(confirm.textContent()).resolves.toContain(`the tunnel ${tunnelRecord!.name}`);
      await expect(confirm.textContent()).resolves.toContain(`the DNS record ${hostname}`);
      await options.getByRole('button', { name: 'Remove and disconnect' }).click();
      await options.getByRole('button', { name: 'Connect Cloudflare account' }).waitFor({ timeout: 20_000 });
      expect(standin.tunnelFor(hostname)).toBeNull();
      expect(standin.dns.map((record) => record.name)).toEqual([`www.${ZONE_NAME}`]);
      expect(standin.tunnels.find((candidate) => candidate.id === tunnelRecord!.id)?.deleted_at ?? 'gone').not.toBeNull();
      await popup.getByText('No active shares.').waitFor({ timeout: 10_000 });
      // And the popup no longer offers a stable address.
      await popup.getByRole('button', { name: 'Share this localhost tab' }).waitFor();
      expect(await popup.getByRole('radio', { name: /Stable address/ }).count()).toBe(0);
    } finally {
      await session?.close();
      session = null;
      await origin.close();
    }
  });
});
