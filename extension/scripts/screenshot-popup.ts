/**
 * `npx tsx extension/scripts/screenshot-popup.ts`: the popup in each of its states, light and dark,
 * as PNGs in .output/screenshots/ (every state of ui/__tests__/popup-states.ts, and a few after a
 * click). The README's curated set is written to docs/popup/ by test/e2e/popup-screenshots.test.ts;
 * both photograph through test/e2e/popup-photographer.ts.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ensureBuilt, ROOT } from '../test/e2e/chromium-harness';
import { startPhotographer } from '../test/e2e/popup-photographer';
import { STATES } from '../ui/__tests__/popup-states';

const outDir = join(ROOT, '.output', 'screenshots');

/** Shots of a state after a click or two: what the popup shows only once the person asks for it. */
const AFTER_CLICKS: Record<string, { state: keyof typeof STATES; act: (popup: Page) => Promise<void> }> = {
  liveQr: { state: 'liveTraffic', act: (popup) => popup.getByRole('button', { name: 'Show QR code' }).click() },
  notSharedOptions: {
    state: 'notShared',
    act: async (popup) => {
      await popup.locator('summary', { hasText: 'Options' }).click();
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

const camera = await startPhotographer();
try {
  for (const [name, stateName, act] of SHOTS) {
    for (const scheme of ['light', 'dark'] as const) {
      const popup = await camera.open(STATES[stateName], scheme, { ...(act ? { act } : {}), otherTab: name === 'otherShares' });
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
  await camera.close();
}
