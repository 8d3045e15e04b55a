import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { readAddress, rememberAddress } from '../address-memory';
import type { ContextMenuClick, ContextMenus } from '../browser-apis';
import { createHostClient } from '../host-client';
import { INITIAL_STATE } from '../porthole-state';
import { DEFAULT_PREFERENCES } from '../preferences';
import { addShareContextMenu, SHARE_PAGE_MENU_ID } from '../share-context-menu';
import { createShareController, type ShareController } from '../share-controller';
import { writeState } from '../share-store';
import { ScriptedHost, settle, TEST_HELLO } from './scripted-host';
import { share } from './share-fixture';

/**
 * The address a share asks for (issue 14): the popup's choice, remembered per server in
 * storage.local; the context menu and Restart use what is remembered or what the share had. The
 * real host session receives every request (scripted-host.ts).
 */

const controllers: ShareController[] = [];
let clicked: ((click: ContextMenuClick, tab: { id?: number; url?: string } | undefined) => void) | null = null;
const menus: ContextMenus = {
  removeAll: async () => undefined,
  create: () => undefined,
  onClicked: (listener) => {
    clicked = listener;
  },
};

function setup() {
  const host = new ScriptedHost();
  const controller = createShareController({
    client: createHostClient({ connect: host.connect, timeoutMs: 1000 }),
    area: fakeBrowser.storage.session,
    addressArea: fakeBrowser.storage.local,
    readPreferences: async () => DEFAULT_PREFERENCES,
    writeClipboard: async () => undefined,
    notify: async () => undefined,
    now: () => 5_000_000,
  });
  controllers.push(controller);
  return { host, controller };
}

beforeEach(() => fakeBrowser.reset());
afterEach(async () => {
  await Promise.all(controllers.splice(0).map((controller) => controller.flush()));
});

describe('stable address choice', () => {
  it('a stable share asks for its name, and the choice is remembered for that server', async () => {
    const { host, controller } = setup();
    await controller.share('http://localhost:5173/cart', 3, 'popup', {}, { kind: 'stable', name: 'shop' });
    expect(host.requests('share')).toEqual([
      expect.objectContaining({ origin: 'http://localhost:5173', address: { kind: 'stable', name: 'shop' } }),
    ]);
    expect(await readAddress(fakeBrowser.storage.local, 'http://127.0.0.1:5173')).toEqual({ kind: 'stable', name: 'shop' });
  });

  it('a quick share sends no address, as before stable addresses, and keeps the stable name remembered', async () => {
    const { host, controller } = setup();
    await rememberAddress(fakeBrowser.storage.local, 'http://localhost:5173', { kind: 'stable', name: 'shop' });
    await controller.share('http://localhost:5173', 3, 'popup', {}, { kind: 'quick' });
    const [sent] = host.requests('share');
    expect(sent).not.toHaveProperty('address');
    expect(await readAddress(fakeBrowser.storage.local, 'http://localhost:5173')).toEqual({ kind: 'quick', name: 'shop' });
  });

  it('the context menu shares on the address remembered for that server', async () => {
    const { host, controller } = setup();
    await addShareContextMenu(menus, controller);
    await rememberAddress(fakeBrowser.storage.local, 'http://localhost:5173', { kind: 'stable', name: 'shop' });
    clicked?.({ menuItemId: SHARE_PAGE_MENU_ID, pageUrl: 'http://127.0.0.1:5173/x' }, { id: 4, url: 'http://127.0.0.1:5173/x' });
    clicked?.({ menuItemId: SHARE_PAGE_MENU_ID, pageUrl: 'http://localhost:8080/' }, { id: 5, url: 'http://localhost:8080/' });
    await settle();
    const sent = host.requests('share');
    expect(sent).toContainEqual(expect.objectContaining({ origin: 'http://127.0.0.1:5173', address: { kind: 'stable', name: 'shop' } }));
    // Never shared before: quick.
    const other = sent.find((request) => request.type === 'share' && request.origin === 'http://localhost:8080');
    expect(other).toBeDefined();
    expect(other).not.toHaveProperty('address');
  });

  it('Restart of a stable share asks for the same hostname again', async () => {
    const ended = share({
      id: 'old',
      origin: 'http://localhost:5173',
      state: 'failed',
      url: 'https://shop.example.dev',
      address: 'stable',
      hostname: 'shop.example.dev',
      endedAt: 4_000_000,
      error: { code: 'tunnel-exited', message: 'cloudflared stopped unexpectedly.' },
    });
    await writeState(fakeBrowser.storage.session, {
      ...INITIAL_STATE,
      shares: { old: { share: ended, tabId: 2, whenUrlKnown: null, copiedAt: null } },
    });
    const { host, controller } = setup();
    await controller.start();
    await controller.restart('old');
    expect(host.requests('share')).toEqual([
      expect.objectContaining({ origin: 'http://localhost:5173', address: { kind: 'stable', name: 'shop' } }),
    ]);
  });
});

describe('account commands', () => {
  it('a host that refuses an account request: its sentence lands in the account, for the options page', async () => {
    const { host, controller } = setup();
    host.hello = { ...TEST_HELLO, features: [...(TEST_HELLO.features ?? []), 'stable'] };
    const account = await controller.connect();
    // This session has no account manager behind it: the host's refusal, as it words it.
    expect(host.requests('connect')).toHaveLength(1);
    expect(account).toMatchObject({ state: 'disconnected', error: { code: 'bad-request' } });
    expect(controller.getState().account?.error?.message).toMatch(/cannot/);
  });

  it('no account request goes to a host that announced no stable addresses', async () => {
    const { host, controller } = setup();
    host.hello = { ...TEST_HELLO, features: ['gateway', 'configure', 'password'] };
    await controller.refresh();
    await settle();
    expect(await controller.account()).toBeNull();
    expect(host.requests('account')).toEqual([]);
    expect(controller.getState().account ?? null).toBeNull();
  });
});
