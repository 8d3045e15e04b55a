import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchThroughEdge, waitForFakeState } from '../../../native-host/test/fake-cloudflared/state';
import { INDEX_HTML, makeFilesFixture, PNG, SECRET } from '../../../native-host/test/files-fixture';
import { ensureBuilt, isAlive, launch, POPUP_URL, type Session, waitUntil } from './chromium-harness';
import { useFakeTunnels } from './fake-tunnels';

/**
 * End to end: a page opened from disk (file://), the popup on it, Share this folder, and a visitor
 * fetching the page, its CSS, JS and image through the (fake) Cloudflare edge; a path out of the
 * folder gets 404; Stop ends the share. Chromium tells an extension with the `tabs` permission the
 * address of a file:// tab without "Allow access to file URLs" (that switch governs scripts and
 * host access, which Porthole does not need here).
 */
const tunnels = useFakeTunnels();

beforeAll(() => ensureBuilt());

describe('a file:// tab in Chromium', () => {
  let session: Session | null = null;
  afterAll(async () => {
    await session?.close();
  });

  it('shares the page’s folder (or its parent), links to the same page, and serves its CSS, JS and image', async () => {
    const fixture = makeFilesFixture();
    const fakeDir = tunnels.fakeDir();
    session = await launch({ registerHost: true, env: tunnels.hostEnv(fakeDir) });
    const { context } = session;
    const pageUrl = pathToFileURL(join(fixture.site, 'sub', 'index.html')).href;
    const page = await context.newPage();
    await page.goto(pageUrl);
    const tabId = await session.tabIdOf(pageUrl);

    const popup = await context.newPage();
    await popup.goto(`${POPUP_URL}?tab=${tabId}`);
    // Before anything is public, the popup says what would be: the page's folder, then its parent.
    await popup.getByText(join(fixture.site, 'sub'), { exact: true }).waitFor();
    await popup.getByRole('button', { name: 'Use the parent folder instead' }).click();
    await popup.getByText(fixture.site, { exact: true }).waitFor();
    await popup.getByRole('button', { name: 'Share this folder' }).click();

    const link = popup.getByRole('link', { name: /^https:\/\/[a-z0-9-]+\.trycloudflare\.com\/sub\/index\.html$/ });
    await link.waitFor({ timeout: 15_000 });
    const publicLink = (await link.textContent())!;
    const fake = await waitForFakeState(fakeDir, (state) => state.url !== null && publicLink.startsWith(state.url) && state.registered);

    const sub = await fetchThroughEdge(fake, new URL(publicLink).pathname);
    expect(sub).toMatchObject({ status: 200, body: '<p>sub page</p>\n' });
    const index = await fetchThroughEdge(fake, '/');
    expect(index.body).toBe(INDEX_HTML);
    const css = await fetchThroughEdge(fake, '/style.css');
    expect(css.headers['content-type']).toBe('text/css');
    const js = await fetchThroughEdge(fake, '/app.js');
    expect(js.headers['content-type']).toBe('text/javascript');
    const png = await fetchThroughEdge(fake, '/img/logo.png');
    expect(png.headers['content-type']).toBe('image/png');
    expect(Number(png.headers['content-length'])).toBe(PNG.length);
    const out = await fetchThroughEdge(fake, '/%2e%2e/outside/secret.txt');
    expect(out.status).toBe(404);
    expect(out.body).not.toContain(SECRET);

    await popup.getByRole('button', { name: 'Stop', exact: true }).first().click();
    await waitUntil(() => !isAlive(fake.pid), 5000, 'cloudflared stopped');
  });
});
