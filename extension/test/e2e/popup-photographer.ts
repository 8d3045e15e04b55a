import type { Page } from 'playwright-core';
import type { PortholeState } from '../../lib/porthole-state';
import { NOW } from '../../ui/__tests__/popup-states';
import { launch, POPUP_URL, type Session, startOrigin } from './chromium-harness';

/**
 * The popup in a given state, in the built extension in Chromium, without a host: each state is put
 * into storage.session and the popup's messages to the background are stubbed, so nothing changes
 * it while it is photographed. Used by the screenshot test (docs/popup/) and the screenshot script.
 */
export interface Photographer {
  /** Opens the popup on `state` in `scheme`, runs `act` (clicks), and returns the open page. */
  open(
    state: PortholeState,
    scheme: 'light' | 'dark',
    /** `page: 'options'`: the options page instead of the popup, on the same state (its account section). */
    options?: { act?: (popup: Page) => Promise<void>; otherTab?: boolean; page?: 'popup' | 'options' },
  ): Promise<Page>;
  close(): Promise<void>;
}

export async function startPhotographer(): Promise<Photographer> {
  const origin = await startOrigin('<h1>dev server</h1>');
  let session: Session | null = null;
  try {
    session = await launch({ registerHost: false, env: {} });
    const pageUrl = `http://localhost:${origin.port}/`;
    const page = await session.context.newPage();
    await page.goto(pageUrl);
    const localTab = await session.tabIdOf(pageUrl);
    const worker = await session.serviceWorker();
    // On install the welcome page asks the background for the helper; without a host that ends in
    // a "missing" state written to storage, which must not land on top of a state being photographed.
    // Wait for it to land first.
    const settled = Date.now() + 15_000;
    while (Date.now() < settled) {
      const status = await worker.evaluate(async () => {
        const chrome = (
          globalThis as unknown as { chrome: { storage: { session: { get(key: string): Promise<Record<string, unknown>> } } } }
        ).chrome;
        const stored = (await chrome.storage.session.get('porthole:state'))['porthole:state'] as { host?: { status?: string } } | undefined;
        return stored?.host?.status ?? null;
      });
      if (status === 'missing') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    for (const other of session.context.pages()) if (other.url().includes('/welcome.html')) await other.close();
    const opened = session;
    return {
      async open(state, scheme, options = {}) {
        // The states are set at a fixed clock and origin; move them to now and to this origin's port.
        const shift = Date.now() - NOW;
        const retargeted: unknown = JSON.parse(
          JSON.stringify(state).replaceAll('http://localhost:5173', `http://localhost:${origin.port}`),
          (key, value: unknown) =>
            typeof value === 'number' && ['startedAt', 'endedAt', 'since', 'at', 'copiedAt', 'expiresAt'].includes(key)
              ? value + shift
              : value,
        );
        await worker.evaluate(async (value) => {
          const chrome = (globalThis as unknown as { chrome: { storage: { session: { set(items: object): Promise<void> } } } }).chrome;
          await chrome.storage.session.set({ 'porthole:state': value });
        }, retargeted);
        const popup = await opened.context.newPage();
        await popup.setViewportSize({ width: 360, height: 800 });
        await popup.emulateMedia({ colorScheme: scheme });
        await popup.addInitScript(() => {
          const runtime = (globalThis as unknown as { chrome: { runtime: { sendMessage: unknown } } }).chrome.runtime;
          runtime.sendMessage = (_message: unknown, callback?: (response: unknown) => void) => {
            callback?.({ ok: true });
            return Promise.resolve({ ok: true });
          };
        });
        if (options.page === 'options') {
          await popup.setViewportSize({ width: 560, height: 900 });
          await popup.goto(POPUP_URL.replace('/popup.html', '/options.html'));
        } else {
          await popup.goto(`${POPUP_URL}?tab=${options.otherTab ? 999_999 : localTab}`);
          await popup.waitForFunction(() => performance.getEntriesByName('porthole:first-state-paint').length > 0);
        }
        await options.act?.(popup);
        return popup;
      },
      async close() {
        await opened.close();
        await origin.close();
      },
    };
  } catch (error) {
    await session?.close();
    await origin.close();
    throw error;
  }
}
