import { browser } from 'wxt/browser';
import type { NativePort } from './native-port';
import type { ExtensionToHost, HostToExtension } from './protocol';
import { writeClipboardFromBackgroundPage } from './quirks/clipboard-background-page';
import { writeClipboardViaOffscreen } from './quirks/clipboard-offscreen';
import { toolbarAction } from './quirks/toolbar-action';

/**
 * The browser APIs that WXT's fake browser lacks (runtime.connectNative, contextMenus, offscreen)
 * or that differ per browser (toolbar action, clipboard), behind one thin interface. The background
 * builds the real one with createBrowserApis(); tests pass a fake. No logic lives here.
 */
export interface BrowserApis {
  connectNative(hostName: string): NativePort;
  contextMenus: ContextMenus;
  notify(notification: { title: string; message: string }): Promise<void>;
  setBadge(badge: { text: string; color: string }): Promise<void>;
  /** Writes the clipboard from the background, where there is no user gesture. */
  writeClipboard(text: string): Promise<void>;
}

type MenuContext = 'page' | 'link';

export interface ContextMenuItem {
  id: string;
  title: string;
  contexts: [MenuContext, ...MenuContext[]];
  documentUrlPatterns?: readonly string[];
  targetUrlPatterns?: readonly string[];
}

export interface ContextMenuClick {
  menuItemId: string | number;
  pageUrl?: string;
  linkUrl?: string;
}

export interface ContextMenus {
  removeAll(): Promise<void>;
  create(item: ContextMenuItem): void;
  onClicked(listener: (click: ContextMenuClick, tab: { id?: number; url?: string } | undefined) => void): void;
}

export function createBrowserApis(): BrowserApis {
  return {
    connectNative: connectNativePort,
    contextMenus: {
      removeAll: () => browser.contextMenus.removeAll(),
      create(item) {
        browser.contextMenus.create(
          {
            id: item.id,
            title: item.title,
            contexts: item.contexts,
            ...(item.documentUrlPatterns ? { documentUrlPatterns: [...item.documentUrlPatterns] } : {}),
            ...(item.targetUrlPatterns ? { targetUrlPatterns: [...item.targetUrlPatterns] } : {}),
          },
          () => {
            const error = browser.runtime.lastError;
            if (error) console.error(`Porthole: could not add the context menu item "${item.id}":`, error.message);
          },
        );
      },
      onClicked(listener) {
        browser.contextMenus.onClicked.addListener((info, tab) => listener(info, tab));
      },
    },
    async notify({ title, message }) {
      await browser.notifications.create({
        type: 'basic',
        title,
        message,
        iconUrl: browser.runtime.getURL('/icon/128.png'),
      });
    },
    async setBadge({ text, color }) {
      const action = toolbarAction();
      await action.setBadgeText({ text });
      await action.setBadgeBackgroundColor({ color });
    },
    writeClipboard: import.meta.env.FIREFOX ? writeClipboardFromBackgroundPage : writeClipboardViaOffscreen,
  };
}

function connectNativePort(hostName: string): NativePort {
  const port = browser.runtime.connectNative(hostName);
  return {
    postMessage: (message: ExtensionToHost) => port.postMessage(message),
    disconnect: () => port.disconnect(),
    onMessage: (listener) => port.onMessage.addListener((message: unknown) => listener(message as HostToExtension)),
    onDisconnect: (listener) =>
      port.onDisconnect.addListener((closed) => {
        // Chromium reports why in runtime.lastError, readable only inside this listener;
        // Firefox sets port.error instead (MDN runtime.Port, "error").
        const firefoxError = (closed as { error?: { message?: string } | null }).error;
        const reason = firefoxError?.message ?? browser.runtime.lastError?.message ?? 'The Porthole host closed the connection.';
        listener(reason);
      }),
  };
}
