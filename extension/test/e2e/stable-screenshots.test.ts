import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PortholeState } from '../../lib/porthole-state';
import { ACCOUNT_STATES } from '../../ui/__tests__/account-states';
import { ensureBuilt, ROOT } from './chromium-harness';
import { type Photographer, startPhotographer } from './popup-photographer';

/**
 * Stable addresses (issue 14) in pictures, from the built extension in Chromium, light and dark:
 * the options page's account section (docs/options/) and the popup's address choice and stable
 * share (docs/popup/). Each shot first checks that the page shows what it is about.
 */

const POPUP_MAX_HEIGHT = 600;

interface Shot {
  name: string;
  page: 'popup' | 'options';
  state: PortholeState;
  shows: RegExp;
  act?: (page: Page) => Promise<void>;
}

const SHOTS: Shot[] = [
  {
    name: 'stable-connected',
    page: 'options',
    state: ACCOUNT_STATES.connected,
    shows: /Stable addresses[\s\S]*example\.dev[\s\S]*porthole-laptop[\s\S]*shop\.example\.dev[\s\S]*Disconnect/,
  },
  {
    name: 'stable-disconnect-confirm',
    page: 'options',
    state: ACCOUNT_STATES.connected,
    shows: /Porthole removes what it created: the tunnel porthole-laptop/,
    act: (page) => page.getByRole('button', { name: 'Disconnect' }).click(),
  },
  {
    name: 'stable-disconnected',
    page: 'options',
    state: ACCOUNT_STATES.disconnected,
    shows: /free Cloudflare account that has a domain on it[\s\S]*Connect Cloudflare account/,
  },
  { name: 'stable-waiting', page: 'options', state: ACCOUNT_STATES.connecting, shows: /Waiting for you to pick a domain/ },
  {
    name: 'stable-token',
    page: 'options',
    state: ACCOUNT_STATES.token,
    shows: /preview\.example\.dev[\s\S]*http:\/\/127\.0\.0\.1:47113/,
  },
  {
    name: 'stable-choice',
    page: 'popup',
    state: ACCOUNT_STATES.popupConnected,
    shows: /Stable address on example\.dev[\s\S]*\.example\.dev[\s\S]*the same every time/,
    act: (page) => page.getByRole('radio', { name: 'Stable address on example.dev' }).click(),
  },
  { name: 'stable-live', page: 'popup', state: ACCOUNT_STATES.popupStableLive, shows: /shop\.example\.dev[\s\S]*stable/ },
];

describe('stable address screenshots (docs/options/, docs/popup/)', () => {
  let camera: Photographer | null = null;
  beforeAll(async () => {
    ensureBuilt();
    mkdirSync(join(ROOT, 'docs', 'options'), { recursive: true });
    mkdirSync(join(ROOT, 'docs', 'popup'), { recursive: true });
    camera = await startPhotographer();
  });
  afterAll(async () => {
    await camera?.close();
  });

  it.each(SHOTS)('$name ($page), light and dark', async ({ name, page, state, shows, act }) => {
    for (const scheme of ['light', 'dark'] as const) {
      const opened = await camera!.open(state, scheme, { page, ...(act ? { act } : {}) });
      try {
        const main = opened.locator(page === 'popup' ? 'main.popup' : 'main.options');
        await expect.poll(() => main.innerText(), { timeout: 5000 }).toMatch(shows);
        if (page === 'popup') expect((await main.boundingBox())?.height).toBeLessThanOrEqual(POPUP_MAX_HEIGHT);
        await main.screenshot({ path: join(ROOT, 'docs', page, `${name}-${scheme}.png`), animations: 'disabled' });
      } finally {
        await opened.close();
      }
    }
  });
});
