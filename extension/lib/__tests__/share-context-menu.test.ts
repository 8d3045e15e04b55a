import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { ContextMenuClick, ContextMenuItem, ContextMenus } from '../browser-apis';
import { createHostClient } from '../host-client';
import { LOOPBACK_MATCH_PATTERNS } from '../loopback-match-patterns';
import { DEFAULT_PREFERENCES } from '../preferences';
import { addShareContextMenu, SHARE_LINK_MENU_ID, SHARE_PAGE_MENU_ID } from '../share-context-menu';
import { createShareController } from '../share-controller';
import { ScriptedHost, settle } from './scripted-host';

class FakeMenus implements ContextMenus {
  items: ContextMenuItem[] = [];
  removed = 0;
  private listener: ((click: ContextMenuClick, tab: { id?: number; url?: string } | undefined) => void) | null = null;
  async removeAll() {
    this.removed++;
    this.items = [];
  }
  create(item: ContextMenuItem) {
    this.items.push(item);
  }
  onClicked(listener: (click: ContextMenuClick, tab: { id?: number; url?: string } | undefined) => void) {
    this.listener = listener;
  }
  click(click: ContextMenuClick, tab?: { id?: number; url?: string }) {
    this.listener?.(click, tab);
  }
}

async function setup() {
  const host = new ScriptedHost();
  const menus = new FakeMenus();
  const clipboard: string[] = [];
  const notifications: Array<{ title: string; message: string }> = [];
  const controller = createShareController({
    client: createHostClient({ connect: host.connect }),
    area: fakeBrowser.storage.session,
    readPreferences: async () => DEFAULT_PREFERENCES,
    writeClipboard: async (text) => void clipboard.push(text),
    notify: async (notification) => void notifications.push(notification),
  });
  await addShareContextMenu(menus, controller);
  return { host, menus, controller, clipboard, notifications };
}

beforeEach(() => fakeBrowser.reset());

describe('share context menu', () => {
  it('offers "Share this page publicly" only on localhost pages, and a link item only on links to them', async () => {
    const { menus } = await setup();
    expect(menus.removed).toBe(1);
    expect(menus.items).toEqual([
      { id: SHARE_PAGE_MENU_ID, title: 'Share this page publicly', contexts: ['page'], documentUrlPatterns: LOOPBACK_MATCH_PATTERNS },
      { id: SHARE_LINK_MENU_ID, title: 'Share the linked page publicly', contexts: ['link'], targetUrlPatterns: LOOPBACK_MATCH_PATTERNS },
    ]);
  });

  it('shares the page, copies its URL when known and says so in a notification', async () => {
    const { host, menus, controller, clipboard, notifications } = await setup();
    menus.click({ menuItemId: SHARE_PAGE_MENU_ID, pageUrl: 'http://localhost:8080/docs/' }, { id: 12, url: 'http://localhost:8080/docs/' });
    await settle();
    expect(host.requests('share')).toEqual([expect.objectContaining({ origin: 'http://localhost:8080' })]);
    expect(controller.getState().shares.s1?.tabId).toBe(12);
    expect(clipboard).toEqual([]);
    host.giveUrl('s1', 'https://menu-share.trycloudflare.com');
    await settle();
    // The page that was right-clicked, on the public address.
    expect(clipboard).toEqual(['https://menu-share.trycloudflare.com/docs/']);
    expect(notifications).toEqual([
      {
        title: 'Public address copied',
        message: 'https://menu-share.trycloudflare.com/docs/ now shares http://localhost:8080. Paste it anywhere.',
      },
    ]);
    await controller.flush();
  });

  it('shares the target of a localhost link, not the page it is on', async () => {
    const { host, menus, controller } = await setup();
    menus.click(
      { menuItemId: SHARE_LINK_MENU_ID, pageUrl: 'https://docs.example.com/', linkUrl: 'http://127.0.0.1:5000/admin' },
      { id: 3 },
    );
    await settle();
    expect(host.requests('share')).toEqual([expect.objectContaining({ origin: 'http://127.0.0.1:5000' })]);
    expect(controller.getState().shares.s1?.tabId).toBeNull();
    await controller.flush();
  });

  it('checks the URL with the protocol’s rule and explains a refusal, without asking the host', async () => {
    const { host, menus, notifications, controller } = await setup();
    menus.click({ menuItemId: SHARE_PAGE_MENU_ID, pageUrl: 'http://me:secret@localhost:3000/' }, { id: 1 });
    await settle();
    expect(host.ports).toEqual([]);
    expect(notifications).toEqual([{ title: 'Porthole can’t share this page', message: expect.stringMatching(/user name or password/) }]);
    await controller.flush();
  });
});
