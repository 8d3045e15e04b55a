/**
 * Click → URL in Chromium, part of `npm run bench`: a person opens the popup on a localhost tab
 * while no host runs (the background closes an idle host after a minute, so this is what most
 * people meet), clicks "Share this localhost tab" and waits for the link. The baseline is the same
 * click for another tab a moment later, when the host is warm.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { DEFAULT_IDLE_DISCONNECT_MS } from '../../extension/lib/idle-disconnect.js';
import { launch, POPUP_URL, startOrigin } from '../../extension/test/e2e/chromium-harness.js';
import { median, sleep } from './stats.js';

/**
 * Runs in the popup: marks the click and the moment a trycloudflare.com link is in the DOM. A string,
 * so that this Node-side file needs no DOM types (which would then be global to all the host's code).
 */
const MARK_CLICK_AND_LINK = `(() => {
  const marks = { click: 0, url: 0 };
  globalThis.porthole = marks;
  document.addEventListener('click', () => (marks.click ||= performance.now()), true);
  new MutationObserver(() => {
    if (marks.url === 0 && [...document.querySelectorAll('a')].some((a) => /trycloudflare\\.com/.test(a.textContent ?? '')))
      marks.url = performance.now();
  }).observe(document.body, { subtree: true, childList: true, characterData: true });
})()`;

/** Between the popup showing the tab and the click: less than any person takes. */
const HUMAN_PAUSE_MS = 300;

async function clickToUrl(context: BrowserContext, tabId: number, port: number): Promise<number> {
  const popup = await context.newPage();
  await popup.goto(`${POPUP_URL}?tab=${tabId}`);
  const share = popup.getByRole('button', { name: 'Share this localhost tab' });
  await share.waitFor();
  await popup.getByText(`http://localhost:${port}`, { exact: true }).waitFor();
  await sleep(HUMAN_PAUSE_MS);
  // Timed inside the popup, from the click event to the link in the DOM: Playwright's own click
  // and polling would add hundreds of milliseconds of their own on a loaded machine.
  await popup.evaluate(MARK_CLICK_AND_LINK);
  await share.click();
  await popup
    .getByRole('link', { name: /^https:\/\/[a-z0-9-]+\.trycloudflare\.com(\/|$)/ })
    .waitFor({ timeout: 20_000 })
    .catch(async (error: Error) => {
      throw new Error(`no link in the popup after the click: ${error.message}\npopup said: ${await popup.locator('body').textContent()}`);
    });
  const elapsed = await popup.evaluate<number>('globalThis.porthole.url - globalThis.porthole.click');
  await popup.close();
  return elapsed;
}

/** How long after its last popup and share the background closes the host (extension/lib/idle-disconnect.ts), and a margin. */
const HOST_IDLE_CLOSE_MS = DEFAULT_IDLE_DISCONNECT_MS + 3_000;

/**
 * Each run: a browser that has been used (a popup opened once, so the extension and Chromium are
 * past their own start-up), left alone until the background closed its idle host; then the cold
 * click, which starts a new host, and a warm click on another tab.
 */
export async function chromiumFirstShare(fakeCloudflared: string, runs: number): Promise<{ cold: number; warm: number }> {
  const cold: number[] = [];
  const warm: number[] = [];
  const [before, first, second] = await Promise.all(
    ['before', 'first', 'second'].map((name) => startOrigin(`<!doctype html><title>${name}</title><h1>${name} app</h1>`)),
  );
  try {
    for (let i = 0; i < runs; i++) {
      const stateDir = mkdtempSync(join(tmpdir(), 'porthole-bench-chromium-'));
      mkdirSync(join(stateDir, 'fake'));
      const session = await launch({
        registerHost: true,
        env: {
          PORTHOLE_CLOUDFLARED: fakeCloudflared,
          PORTHOLE_STATE_DIR: stateDir,
          FAKE_CLOUDFLARED_STATE_DIR: join(stateDir, 'fake'),
          FAKE_CLOUDFLARED_MODE: 'ok',
          PORTHOLE_PROBE: 'off',
        },
      });
      const openTab = async (port: number): Promise<number> => {
        const url = `http://localhost:${port}/`;
        const page = await session.context.newPage();
        await page.goto(url);
        return session.tabIdOf(url);
      };
      try {
        const used = await session.context.newPage();
        await used.goto(`${POPUP_URL}?tab=${await openTab(before!.port)}`);
        await used.getByRole('button', { name: 'Share this localhost tab' }).waitFor();
        await used.close();
        await sleep(HOST_IDLE_CLOSE_MS);
        const log = readFileSync(join(stateDir, 'host.log'), 'utf8');
        if (!log.includes('session ended'))
          throw new Error('the background did not close its idle host: the "cold" click would not be cold');
        cold.push(await clickToUrl(session.context, await openTab(first!.port), first!.port));
        warm.push(await clickToUrl(session.context, await openTab(second!.port), second!.port));
      } finally {
        await session.close();
        rmSync(stateDir, { recursive: true, force: true });
      }
    }
  } finally {
    await Promise.all([before, first, second].map((origin) => origin!.close()));
  }
  return { cold: median(cold), warm: median(warm) };
}
