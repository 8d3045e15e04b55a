/**
 * `npx tsx extension/scripts/screenshot-popup.ts`: the popup in each of its states, light and dark,
 * as PNGs in .output/screenshots/. Runs the built extension in Chromium, puts each state from
 * ui/__tests__/popup-states.ts into storage.session, and stubs the popup's messages to the
 * background so nothing changes the state while it is photographed.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ensureBuilt, launch, POPUP_URL, ROOT, startOrigin } from '../test/e2e/chromium-harness';
import { NOW, STATES } from '../ui/__tests__/popup-states';

const outDir = join(ROOT, '.output', 'screenshots');

/** Shots of a state after a click or two: what the popup shows only once the person asks for it. */
const AFTER_CLICKS: Record<string, { state: keyof typeof STATES; act: (popup: Page) => Promise<void> }> = {
  liveQr: { state: 'liveTraffic', act: (popup) => popup.getByRole('button', { name: 'Show QR code' }).click() },
  notSharedOptions: {
    state: 'notShared',
    act: async (popup) => {
      await popup.getByLabel('Protect with password').fill('correct-horse');
      await popup.getByLabel('Expires after').selectOption('60');
    },
  },
  addingPassword: {
    state: 'liveTraffic',
    act: async (popup) => {
      await popup.getByRole('button', { name: 'Add password' }).click();
      await popup.getByLabel('New password for visitors').fill('correct-horse');
    },
  },
};
const SHOTS: Array<[string, keyof typeof STATES, ((popup: Page) => Promise<void>) | null]> = [
  ...Object.keys(STATES).map((name) => [name, name as keyof typeof STATES, null] as [string, keyof typeof STATES, null]),
  ...Object.entries(AFTER_CLICKS).map(
    ([name, { state, act }]) => [name, state, act] as [string, keyof typeof STATES, (popup: Page) => Promise<void>],
  ),
];
mkdirSync(outDir, { recursive: true });
ensureBuilt();

const origin = await startOrigin('<h1>dev server</h1>');
const session = await launch({ registerHost: false, env: {} });
try {
  // The states name http://localhost:5173; they are rewritten to this origin's port.
  const pageUrl = `http://localhost:${origin.port}/`;
  const page = await session.context.newPage();
  await page.goto(pageUrl);
  const localTab = await session.tabIdOf(pageUrl);
  const worker = await session.serviceWorker();
  for (const [name, stateName, act] of SHOTS) {
    const state = STATES[stateName];
    // The states are set at a fixed clock; move them to now so durations read as in real use.
    const shift = Date.now() - NOW;
    const retargeted: unknown = JSON.parse(
      JSON.stringify(state).replaceAll('http://localhost:5173', `http://localhost:${origin.port}`),
      (key, value: unknown) =>
        typeof value === 'number' && ['startedAt', 'endedAt', 'since', 'at', 'copiedAt', 'expiresAt'].includes(key) ? value + shift : value,
    );
    await worker.evaluate(async (value) => {
      const chrome = (globalThis as unknown as { chrome: { storage: { session: { set(items: object): Promise<void> } } } }).chrome;
      await chrome.storage.session.set({ 'porthole:state': value });
    }, retargeted);
    for (const scheme of ['light', 'dark'] as const) {
      const popup = await session.context.newPage();
      await popup.emulateMedia({ colorScheme: scheme });
      await popup.addInitScript(() => {
        const runtime = (globalThis as unknown as { chrome: { runtime: { sendMessage: unknown } } }).chrome.runtime;
        runtime.sendMessage = (_message: unknown, callback?: (response: unknown) => void) => {
          callback?.({ ok: true });
          return Promise.resolve({ ok: true });
        };
      });
      const tab = name === 'otherShares' ? 999_999 : localTab;
      await popup.goto(`${POPUP_URL}?tab=${tab}`);
      await popup.waitForFunction(() => performance.getEntriesByName('porthole:first-state-paint').length > 0);
      await act?.(popup);
      if (scheme === 'light') {
        const panel = (await popup.locator('.current').boundingBox())?.height.toFixed(0);
        const whole = (await popup.locator('main.popup').boundingBox())?.height.toFixed(0);
        console.log(`${name}: current panel ${panel} px, popup ${whole} px`);
      }
      await popup.locator('main.popup').screenshot({ path: join(outDir, `popup-${name}-${scheme}.png`), animations: 'disabled' });
      await popup.close();
    }
  }
  console.log(`wrote ${SHOTS.length * 2} screenshots to ${outDir}`);
} finally {
  await session.close();
  await origin.close();
}
