import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { backgroundCommandsProxy, serveBackgroundCommands } from '../background-commands';
import { createHostClient } from '../host-client';
import { shareForOrigin } from '../porthole-state';
import { DEFAULT_PREFERENCES } from '../preferences';
import type { ConfigureRequest, ShareRequest } from '../protocol';
import { createShareController, type ShareController, settingsOfEndedShare, settingsToSend } from '../share-controller';
import { readState } from '../share-store';
import { ScriptedHost, settle } from './scripted-host';

/** Password, expiry, traffic and warnings: what the background does with the host's share settings. */

const NOW = 5_000_000;
const controllers: ShareController[] = [];

function setup() {
  const host = new ScriptedHost();
  host.now = NOW;
  const notifications: Array<{ title: string; message: string }> = [];
  const controller = createShareController({
    client: createHostClient({ connect: host.connect, timeoutMs: 1000 }),
    area: fakeBrowser.storage.session,
    readPreferences: async () => ({ ...DEFAULT_PREFERENCES, copyWhenReady: false }),
    writeClipboard: async () => {},
    notify: async (notification) => void notifications.push(notification),
    now: () => NOW,
  });
  controllers.push(controller);
  serveBackgroundCommands(fakeBrowser.runtime.onMessage, controller);
  const send = (message: unknown) => fakeBrowser.runtime.sendMessage(message);
  return { host, controller, notifications, background: backgroundCommandsProxy(send) };
}

async function liveShare(setupResult: ReturnType<typeof setup>, options?: Parameters<ShareController['share']>[3]) {
  const { host, controller } = setupResult;
  await controller.share('http://localhost:5173/app', 4, 'popup', options);
  await settle();
  host.giveUrl('s1', 'https://plum-tree.trycloudflare.com');
  host.goLive('s1');
  await settle();
}

const stored = async () => readState(fakeBrowser.storage.session);

beforeEach(() => fakeBrowser.reset());
afterEach(async () => {
  await Promise.all(controllers.splice(0).map((controller) => controller.flush()));
});

describe('share options and configure', () => {
  it('a share asked for from the popup with a password and an expiry carries them to the host', async () => {
    const setupResult = setup();
    const { host, background, controller } = setupResult;
    await background.share('http://localhost:5173/x', 4, 'popup', { password: 'hunter2-hunter2', expiresInMinutes: 15 });
    await settle();
    await controller.flush();
    expect(host.requests('share')).toEqual([
      expect.objectContaining({ origin: 'http://localhost:5173', settings: { password: 'hunter2-hunter2', expiresInMinutes: 15 } }),
    ]);
    const share = (await stored()).shares.s1?.share;
    expect(share).toMatchObject({ password: 'hunter2-hunter2', expiresAt: NOW + 15 * 60_000 });
  });

  it('an open share without expiry sends no options at all, as before', async () => {
    const { host, controller } = setup();
    await controller.share('http://localhost:5173', 1, 'popup', { password: null, expiresInMinutes: null, keepPublicHost: false });
    expect((host.requests('share')[0] as ShareRequest).settings).toBeUndefined();
    expect(settingsToSend({})).toBeUndefined();
    expect(settingsToSend({ keepPublicHost: true })).toEqual({ keepPublicHost: true });
  });

  it('configure from the popup: sets, changes and removes the password and the expiry of a live share', async () => {
    const setupResult = setup();
    const { host, background, controller } = setupResult;
    await liveShare(setupResult);

    expect(await background.configure('s1', { password: 'open sesame' })).toMatchObject({ share: { password: 'open sesame' } });
    await controller.flush();
    expect((await stored()).shares.s1?.share).toMatchObject({ state: 'live', password: 'open sesame', expiresAt: null });

    await background.configure('s1', { expiresInMinutes: 60 });
    await controller.flush();
    // An absent field is left as it is.
    expect((await stored()).shares.s1?.share).toMatchObject({ password: 'open sesame', expiresAt: NOW + 60 * 60_000 });

    await background.configure('s1', { password: null, expiresInMinutes: null });
    await controller.flush();
    expect((await stored()).shares.s1?.share).toMatchObject({ password: null, expiresAt: null });

    const sent = host.requests('configure') as ConfigureRequest[];
    expect(sent.map(({ id: _id, ...rest }) => rest)).toEqual([
      { type: 'configure', shareId: 's1', settings: { password: 'open sesame' } },
      { type: 'configure', shareId: 's1', settings: { expiresInMinutes: 60 } },
      { type: 'configure', shareId: 's1', settings: { password: null, expiresInMinutes: null } },
    ]);
    // The share keeps its tab and its address throughout.
    expect((await stored()).shares.s1).toMatchObject({ tabId: 4, share: { url: 'https://plum-tree.trycloudflare.com' } });
  });

  it('a refused setting is the host’s sentence for that page; the next accepted one clears it', async () => {
    const setupResult = setup();
    const { controller } = setupResult;
    await liveShare(setupResult);
    expect(await controller.configure('s1', { password: 'x'.repeat(300) })).toBeNull();
    expect(controller.getState().lastError).toMatchObject({
      origin: 'http://localhost:5173',
      message: expect.stringContaining('"password" must be a string of 8 to 256'),
    });
    expect(controller.getState().shares.s1?.share.password).toBeNull();
    expect(await controller.configure('s1', { password: 'short' })).toBeNull();
    expect(controller.getState().lastError).toMatchObject({ message: expect.stringContaining('"password" is too short') });

    expect(await controller.configure('s1', { password: 'long-enough' })).toMatchObject({ share: { password: 'long-enough' } });
    expect(controller.getState().lastError).toBeNull();
  });

  it('configure for a share the host no longer runs says so', async () => {
    const setupResult = setup();
    const { controller } = setupResult;
    await liveShare(setupResult);
    await controller.configure('s7', { expiresInMinutes: 15 });
    expect(controller.getState().lastError?.message).toMatch(/not running any more/);
  });

  it('options for an origin that is already shared are applied to that share with configure', async () => {
    const setupResult = setup();
    const { controller, host } = setupResult;
    await liveShare(setupResult);
    const again = await controller.share('http://127.0.0.1:5173/', 4, 'popup', { password: 'late-but-long', expiresInMinutes: 240 });
    expect(again?.share).toMatchObject({ id: 's1', password: 'late-but-long', expiresAt: NOW + 240 * 60_000 });
    // The account (a host with stable addresses) is read after hello, beside what is tested here.
    expect(
      host
        .requests()
        .map((request) => request.type)
        .filter((type) => type !== 'account'),
    ).toEqual(['hello', 'share', 'share', 'configure']);
  });

  it('Restart keeps the password and what was left of the time', async () => {
    const setupResult = setup();
    const { controller, host } = setupResult;
    await liveShare(setupResult, { password: 'keep-me-please', expiresInMinutes: 60 });
    host.fail('s1', { code: 'tunnel-exited', message: 'cloudflared stopped unexpectedly.' });
    await settle();
    await controller.restart('s1');
    expect((host.requests('share').at(-1) as ShareRequest).settings).toEqual({ password: 'keep-me-please', expiresInMinutes: 60 });

    const ended = { ...controller.getState().shares.s2!.share, expiresAt: NOW - 1 };
    expect(settingsOfEndedShare(ended, NOW)).toEqual({ password: 'keep-me-please' });
    expect(settingsOfEndedShare({ ...ended, password: null, keepPublicHost: true }, NOW)).toEqual({ keepPublicHost: true });
    expect(settingsOfEndedShare({ ...ended, password: null, expiresAt: NOW + 90_000 }, NOW)).toEqual({ expiresInMinutes: 1.5 });
  });
});

describe('what the host pushes about a running share', () => {
  it('traffic events reach storage.session as they come', async () => {
    const setupResult = setup();
    const { controller, host } = setupResult;
    await liveShare(setupResult);
    host.traffic('s1', {
      requests: 1,
      visitors: 1,
      recent: [
        {
          method: 'GET',
          path: '/',
          status: 200,
          at: NOW,
          ms: 12,
          country: 'FR',
          visitor: 'v3f9a',
          requestHeaders: [['accept', 'text/html']],
          responseHeaders: [],
        },
      ],
    });
    await controller.flush();
    expect((await stored()).shares.s1?.share.traffic).toEqual({
      requests: 1,
      visitors: 1,
      recent: [
        {
          method: 'GET',
          path: '/',
          status: 200,
          at: NOW,
          ms: 12,
          country: 'FR',
          visitor: 'v3f9a',
          requestHeaders: [['accept', 'text/html']],
          responseHeaders: [],
        },
      ],
    });
    host.traffic('s1', {
      requests: 3,
      visitors: 1,
      recent: [
        {
          method: 'GET',
          path: '/favicon.ico',
          status: 404,
          at: NOW + 20,
          ms: 3,
          country: 'FR',
          visitor: 'v3f9a',
          requestHeaders: [['accept', 'text/html']],
          responseHeaders: [],
        },
        {
          method: 'GET',
          path: '/main.js',
          status: 200,
          at: NOW + 10,
          ms: 5,
          country: 'FR',
          visitor: 'v3f9a',
          requestHeaders: [['accept', 'text/html']],
          responseHeaders: [],
        },
        {
          method: 'GET',
          path: '/',
          status: 200,
          at: NOW,
          ms: 12,
          country: 'FR',
          visitor: 'v3f9a',
          requestHeaders: [['accept', 'text/html']],
          responseHeaders: [],
        },
      ],
    });
    await controller.flush();
    expect((await stored()).shares.s1?.share.traffic?.requests).toBe(3);
    // Traffic is not an error and not news: nothing else changes.
    expect(controller.getState().lastError).toBeNull();
  });

  it('a warning appears while the local server is down and goes when it is back; the share stays live', async () => {
    const setupResult = setup();
    const { controller, host } = setupResult;
    await liveShare(setupResult);
    host.originDown('s1');
    await controller.flush();
    let share = (await stored()).shares.s1?.share;
    expect(share?.state).toBe('live');
    expect(share?.warnings).toEqual([{ code: 'origin-unreachable', message: expect.stringContaining('Start your local server') }]);
    host.originBack('s1');
    await controller.flush();
    share = (await stored()).shares.s1?.share;
    expect(share?.warnings).toEqual([]);
    expect(share?.state).toBe('live');
  });

  it('a share whose time is up is gone, with a notice for its page and a notification', async () => {
    const setupResult = setup();
    const { controller, host, notifications } = setupResult;
    await liveShare(setupResult, { expiresInMinutes: 15 });
    host.expire('s1');
    await settle();
    await controller.flush();
    const state = await stored();
    expect(state.shares).toEqual({});
    expect(state.lastError).toMatchObject({
      origin: 'http://localhost:5173',
      expired: true,
      message: expect.stringContaining('its time was up'),
    });
    expect(notifications).toEqual([
      { title: 'Porthole stopped sharing http://localhost:5173', message: expect.stringContaining('Its time was up') },
    ]);
    expect(shareForOrigin(state, 'http://localhost:5173').tracked).toBeNull();

    // Sharing the page again clears the notice.
    await controller.share('http://localhost:5173', 4, 'popup');
    expect(controller.getState().lastError).toBeNull();
  });

  it('a share stopped on request leaves no notice', async () => {
    const setupResult = setup();
    const { controller, notifications } = setupResult;
    await liveShare(setupResult);
    await controller.stop('s1');
    await settle();
    expect(controller.getState().lastError).toBeNull();
    expect(notifications).toEqual([]);
  });
});
