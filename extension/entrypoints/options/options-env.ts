import { browser } from 'wxt/browser';
import { type BackgroundCommands, backgroundCommandsProxy } from '../../lib/background-commands';
import type { PortholeState } from '../../lib/porthole-state';
import type { PreferencesArea } from '../../lib/preferences';
import { readState, watchState } from '../../lib/share-store';

/** Everything the options page needs from the browser, passed to <App> so tests can pass their own. */
export interface OptionsEnv {
  /** browser.storage.sync */
  preferences: PreferencesArea;
  /** The background's state (storage.session): the account for stable addresses is in it. */
  readState(): Promise<PortholeState>;
  watchState(listener: (state: PortholeState) => void): () => void;
  background: Pick<BackgroundCommands, 'refresh' | 'account' | 'connect' | 'connectToken' | 'disconnect'>;
  /** Cloudflare's authorisation page, in a new tab. */
  openTab(url: string): void;
  writeClipboard(text: string): Promise<void>;
}

export function createOptionsEnv(): OptionsEnv {
  return {
    preferences: browser.storage.sync,
    readState: () => readState(browser.storage.session),
    watchState: (listener) => watchState(browser.storage.onChanged, listener),
    background: backgroundCommandsProxy((message) => browser.runtime.sendMessage(message)),
    openTab: (url) => void browser.tabs.create({ url }),
    writeClipboard: (text) => navigator.clipboard.writeText(text),
  };
}
