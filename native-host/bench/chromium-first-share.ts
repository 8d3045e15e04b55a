/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Click → URL in Chromium, part of `npm run bench`: a person opens the popup on a localhost tab
 * in a browser that has just started (the host is not running yet, as after the background closed
 * an idle one), clicks "Share this localhost tab" and waits for the link. The baseline is the same
 * click for a second tab in the same browser, when the host is already warm.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { launch, POPUP_URL, startOrigin } from '../../extension/test/e2e/chromium-harness.js';
import { median, sleep } from './stats.js';

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
  await popup.evaluate(() => {
    const marks = { click: 0, url: 0 };
    (globalThis as unknown as { porthole: typeof marks }).porthole = marks;
    document.addEventListener('click', () => (marks.click ||= performance.now()), true);
    new MutationObserver(() => {
      if (marks.url === 0 && [...document.querySelectorAll('a')].some((a) => /trycloudflare\.com/.test(a.textContent ?? '')))
        marks.url = performance.now();
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await share.click();
  await popup
    .getByRole('link', { name: /^https:\/\/[a-z0-9-]+\.trycloudflare\.com(\/|$)/ })
    .waitFor({ timeout: 20_000 })
    .catch(async (error: Error) => {
      throw new Error(`no link in the popup after the click: ${error.message}\npopup said: ${await popup.locator('body').textContent()}`);
    });
  const elapsed = await popup.evaluate(() => {
    const marks = (globalThis as unknown as { porthole: { click: number; url: number } }).porthole;
    return marks.url - marks.click;
  });
  await popup.close();
  return elapsed;
}

export async function chromiumFirstShare(fakeCloudflared: string, runs: number): Promise<{ cold: number; warm: number }> {
  const cold: number[] = [];
  const warm: number[] = [];
  const first = await startOrigin('<!doctype html><title>first</title><h1>first app</h1>');
  const second = await startOrigin('<!doctype html><title>second</title><h1>second app</h1>');
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
      try {
        for (const [origin, series] of [
          [first, cold],
          [second, warm],
        ] as const) {
          const url = `http://localhost:${origin.port}/`;
          const page = await session.context.newPage();
          await page.goto(url);
          series.push(await clickToUrl(session.context, await session.tabIdOf(url), origin.port));
        }
      } finally {
        await session.close();
        rmSync(stateDir, { recursive: true, force: true });
      }
    }
  } finally {
    await first.close();
    await second.close();
  }
  return { cold: median(cold), warm: median(warm) };
}
