import { browser } from 'wxt/browser';
import { type RememberedAddress, readAddress } from '../../lib/address-memory';
import { type BackgroundCommands, backgroundCommandsProxy } from '../../lib/background-commands';
import type { PortholeState } from '../../lib/porthole-state';
import { readState, watchState } from '../../lib/share-store';
import { describePage, type PageInfo } from '../../ui/page-info';

/** Everything the popup needs from the browser, passed to <App> so tests can pass their own. */
export interface PopupEnv {
  findPage(): Promise<PageInfo>;
  readState(): Promise<PortholeState>;
  watchState(listener: (state: PortholeState) => void): () => void;
  background: BackgroundCommands;
  writeClipboard(text: string): Promise<void>;
  openTab(url: string): void;
  /** The options page, where the Cloudflare account for stable addresses is connected. */
  openOptions(): void;
  /** The address `origin`'s server was last shared on (storage.local, address-memory.ts). */
  readAddress(origin: string): Promise<RememberedAddress | null>;
  now(): number;
}

/**
 * The popup is about the active tab, or about `?tab=<id>` when opened as a page (the pop-out view,
 * and how the end-to-end test drives it).
 */
export function createPopupEnv(location: Location): PopupEnv {
  return {
    async findPage() {
      const requested = new URLSearchParams(location.search).get('tab');
      if (requested !== null && /^\d+$/.test(requested)) {
        const tab = await browser.tabs.get(Number(requested)).catch(() => null);
        return describePage(tab);
      }
      const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
      return describePage(tab);
    },
    readState: () => readState(browser.storage.session),
    watchState: (listener) => watchState(browser.storage.onChanged, listener),
    background: backgroundCommandsProxy((message) => browser.runtime.sendMessage(message)),
    // The popup is a focused page and the click is a user gesture: the web clipboard API suffices.
    writeClipboard: (text) => navigator.clipboard.writeText(text),
    openTab: (url) => void browser.tabs.create({ url }),
    openOptions: () => void browser.runtime.openOptionsPage(),
    readAddress: (origin) => readAddress(browser.storage.local, origin),
    now: () => Date.now(),
  };
}
