import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PortholeState } from '../../lib/porthole-state';
import { STATES } from '../../ui/__tests__/popup-states';
import { ensureBuilt, ROOT } from './chromium-harness';
import { type Photographer, startPhotographer } from './popup-photographer';

/**
 * The README's pictures of the popup: every state a person meets, in light and dark, written to
 * docs/popup/ by this test from the built extension in Chromium. Each shot first checks that the
 * popup shows what the state is about and fits the toolbar popup's 600 px.
 */

const OUT = join(ROOT, 'docs', 'popup');
const POPUP_MAX_HEIGHT = 600;

interface Shot {
  name: string;
  state: PortholeState;
  /** What must be on screen before the picture is taken. */
  shows: RegExp;
  act?: (popup: Page) => Promise<void>;
}

const SHOTS: Shot[] = [
  { name: 'idle', state: STATES.notShared, shows: /Share this localhost tab/ },
  { name: 'starting', state: STATES.gettingAddress, shows: /Getting a public address…/ },
  { name: 'taking-longer', state: STATES.takingLonger, shows: /Taking longer than usual… waiting for trycloudflare\.com/ },
  {
    name: 'live-inspector',
    state: STATES.liveTraffic,
    shows: /← All requests[\s\S]*Request headers/,
    act: (popup) => popup.locator('.request').nth(1).click(),
  },
  { name: 'restarted', state: STATES.restarted, shows: /The address changed: cloudflared restarted/ },
  { name: 'origin-down', state: STATES.liveOriginDown, shows: /Nothing answers at/ },
  {
    name: 'error-details',
    state: STATES.timedOut,
    shows: /No answer from trycloudflare\.com in 45 s[\s\S]*no address from trycloudflare\.com after 45 s/,
    act: (popup) => popup.locator('summary', { hasText: 'Details' }).click(),
  },
  { name: 'host-missing', state: STATES.hostMissing, shows: /Install the Porthole helper[\s\S]*porthole-host install/ },
  { name: 'three-shares', state: STATES.manyShares, shows: /Active shares \(4\)[\s\S]*this tab/ },
];

describe('popup screenshots (docs/popup/)', () => {
  let camera: Photographer | null = null;
  beforeAll(async () => {
    ensureBuilt();
    mkdirSync(OUT, { recursive: true });
    camera = await startPhotographer();
  });
  afterAll(async () => {
    await camera?.close();
  });

  it.each(SHOTS)('$name, light and dark', async ({ name, state, shows, act }) => {
    for (const scheme of ['light', 'dark'] as const) {
      const popup = await camera!.open(state, scheme, act ? { act } : {});
      try {
        const main = popup.locator('main.popup');
        await expect.poll(() => main.innerText(), { timeout: 5000 }).toMatch(shows);
        const box = await main.boundingBox();
        expect(box?.height).toBeLessThanOrEqual(POPUP_MAX_HEIGHT);
        // Dark is dark: the page's background follows the scheme.
        const background = await popup.evaluate(() => getComputedStyle(document.body).backgroundColor);
        expect(background).toBe(scheme === 'dark' ? 'rgb(22, 24, 29)' : 'rgb(255, 255, 255)');
        await main.screenshot({ path: join(OUT, `${name}-${scheme}.png`), animations: 'disabled' });
      } finally {
        await popup.close();
      }
    }
  });
});
