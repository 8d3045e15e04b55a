import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { serveBackgroundCommands } from '../../lib/background-commands';
import { createBrowserApis } from '../../lib/browser-apis';
import { createHostClient } from '../../lib/host-client';
import { addLiveShareBadge } from '../../lib/live-share-badge';
import { readPreferences } from '../../lib/preferences';
import { HOST_NAME } from '../../lib/protocol';
import { addShareContextMenu } from '../../lib/share-context-menu';
import { createShareController } from '../../lib/share-controller';
import { openWelcomeOnInstall, WELCOME_PATH } from '../../lib/welcome';

/** Wires the parts; the logic lives in lib/. */
export default defineBackground({
  // Firefox MV2: an event page would be unloaded when idle, closing the native port, and the host
  // stops every tunnel when its port closes. Chromium MV3 ignores this: an open native port keeps
  // its service worker alive (Chrome 105+; test/e2e/service-worker.test.ts checks it).
  persistent: true,
  main() {
    const apis = createBrowserApis();
    const client = createHostClient({ connect: () => apis.connectNative(HOST_NAME) });
    const controller = createShareController({
      client,
      area: browser.storage.session,
      readPreferences: () => readPreferences(browser.storage.sync),
      writeClipboard: apis.writeClipboard,
      notify: apis.notify,
      addressArea: browser.storage.local,
    });

    // Listeners first, synchronously: a message may be what woke the service worker.
    serveBackgroundCommands(browser.runtime.onMessage, controller);
    browser.tabs.onRemoved.addListener((tabId) => void controller.tabClosed(tabId));
    openWelcomeOnInstall(browser.runtime.onInstalled, () => browser.tabs.create({ url: browser.runtime.getURL(WELCOME_PATH) }));
    void addShareContextMenu(apis.contextMenus, controller);
    addLiveShareBadge(controller, apis.setBadge);
    void controller.start();
  },
});
