import type { ContextMenus } from './browser-apis';
import { LOOPBACK_MATCH_PATTERNS } from './loopback-match-patterns';
import type { ShareController } from './share-controller';

export const SHARE_PAGE_MENU_ID = 'porthole-share-page';
export const SHARE_LINK_MENU_ID = 'porthole-share-link';

/**
 * "Share this page publicly" on localhost pages, and on links to them. The browser shows the items
 * by match pattern; the controller checks the clicked URL again with the protocol's rule (patterns
 * cannot express all of 127.0.0.0/8, nor see credentials in a URL) and, if it refuses, says why in
 * a notification. Once the URL is known it is copied and announced.
 */
export async function addShareContextMenu(menus: ContextMenus, controller: ShareController): Promise<void> {
  menus.onClicked((click, tab) => {
    const url =
      click.menuItemId === SHARE_LINK_MENU_ID
        ? click.linkUrl
        : click.menuItemId === SHARE_PAGE_MENU_ID
          ? (click.pageUrl ?? tab?.url)
          : undefined;
    if (url === undefined) return;
    // A link opens in another tab, if at all: only a page share belongs to this tab.
    const tabId = click.menuItemId === SHARE_PAGE_MENU_ID ? (tab?.id ?? null) : null;
    void controller.share(url, tabId, 'context-menu');
  });
  // Menu items outlive a restarted service worker; start from a clean slate so create() never clashes.
  await menus.removeAll();
  menus.create({
    id: SHARE_PAGE_MENU_ID,
    title: 'Share this page publicly',
    contexts: ['page'],
    documentUrlPatterns: LOOPBACK_MATCH_PATTERNS,
  });
  menus.create({
    id: SHARE_LINK_MENU_ID,
    title: 'Share the linked page publicly',
    contexts: ['link'],
    targetUrlPatterns: LOOPBACK_MATCH_PATTERNS,
  });
}
