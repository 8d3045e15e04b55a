import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createHostClient } from '../host-client';
import { hostSetupProblem } from '../host-reachability';
import { liveShares, shareForOrigin } from '../porthole-state';
import { DEFAULT_PREFERENCES, type Preferences } from '../preferences';
import { createShareController, type ShareController, type ShareControllerDeps } from '../share-controller';
import { readState } from '../share-store';
import { ScriptedHost, settle, TEST_HELLO } from './scripted-host';

const NOT_FOUND = 'Specified native messaging host not found.';

function setup(options: { host?: ScriptedHost; settings?: Partial<Preferences> } = {}) {
  const host = options.host ?? new ScriptedHost();
  const client = createHostClient({ connect: host.connect, timeoutMs: 1000 });
  const clipboard: string[] = [];
  const notifications: Array<{ title: string; message: string }> = [];
  const deps: ShareControllerDeps = {
    client,
    area: fakeBrowser.storage.session,
    readPreferences: async () => ({ ...DEFAULT_PREFERENCES, ...options.settings }),
    writeClipboard: async (text) => void clipboard.push(text),
    notify: async (notification) => void notifications.push(notification),
    now: () => 5_000_000,
  };
  const controller = createShareController(deps);
  controllers.push(controller);
  return { host, client, controller, clipboard, notifications };
}

const controllers: ShareController[] = [];

beforeEach(() => {
  fakeBrowser.reset();
});

// Let every write land before the next test resets the fake storage.
afterEach(async () => {
  await Promise.all(controllers.splice(0).map((controller) => controller.flush()));
});

describe('share controller', () => {
  it('goes through the stages of a share, and every step is in storage.session for the popup', async () => {
    const { host, controller } = setup();
    const seen: string[] = [];
    controller.subscribe((state) => {
      const { tracked, pending } = shareForOrigin(state, 'http://localhost:5173');
      const now = tracked ? `${tracked.share.state}${tracked.share.url ? '+url' : ''}` : pending ? `pending(tab ${pending.tabId})` : 'none';
      if (seen.at(-1) !== now) seen.push(now);
    });
    const tracked = await controller.share('http://localhost:5173/some/page?x=1', 7, 'popup');
    // Before the host answered, the request was pending: the "starting cloudflared" stage.
    expect(seen).toEqual(['none', 'pending(tab 7)', 'starting']);
    expect(tracked?.share).toMatchObject({ origin: 'http://localhost:5173', state: 'starting', url: null });
    expect(host.requests('share')).toEqual([expect.objectContaining({ origin: 'http://localhost:5173' })]);
    await settle();

    host.giveUrl('s1', 'https://plum-tree.trycloudflare.com');
    await controller.flush();
    let stored = await readState(fakeBrowser.storage.session);
    expect(stored.shares.s1?.share.url).toBe('https://plum-tree.trycloudflare.com');
    expect(stored.shares.s1?.tabId).toBe(7);
    expect(stored.pending).toEqual({});

    host.goLive('s1');
    await controller.flush();
    stored = await readState(fakeBrowser.storage.session);
    expect(stored.shares.s1?.share.state).toBe('live');
    expect(stored.host).toEqual({ status: 'connected' });
    expect(seen).toEqual(['none', 'pending(tab 7)', 'starting', 'starting+url', 'live+url']);
  });

  it('copies the URL once it is known when "copy automatically" is on, and marks it copied', async () => {
    const { host, controller, clipboard, notifications } = setup();
    await controller.share('http://localhost:3000', 1, 'popup');
    await settle();
    expect(clipboard).toEqual([]);
    host.giveUrl('s1', 'https://a-b-c.trycloudflare.com');
    await settle();
    host.goLive('s1');
    await settle();
    expect(clipboard).toEqual(['https://a-b-c.trycloudflare.com']);
    expect(controller.getState().shares.s1?.copiedAt).toBe(5_000_000);
    // From the popup: the popup says so; no notification.
    expect(notifications).toEqual([]);
  });

  it('copies and announces the link of the page in the tab: its path, query and fragment on the public address', async () => {
    const { host, controller, clipboard, notifications } = setup();
    await controller.share('http://localhost:5173/dashboard/settings?tab=2#billing', 4, 'context-menu');
    await settle();
    host.giveUrl('s1', 'https://plum-tree.trycloudflare.com');
    await settle();
    // One share per server: the host was asked for the origin only.
    expect(host.requests('share')).toEqual([expect.objectContaining({ origin: 'http://localhost:5173' })]);
    expect(controller.getState().shares.s1?.share.url).toBe('https://plum-tree.trycloudflare.com');
    expect(clipboard).toEqual(['https://plum-tree.trycloudflare.com/dashboard/settings?tab=2#billing']);
    expect(notifications).toEqual([
      {
        title: 'Public address copied',
        message: expect.stringContaining('https://plum-tree.trycloudflare.com/dashboard/settings?tab=2#billing'),
      },
    ]);
  });

  it('does not copy when "copy automatically" is off', async () => {
    const { host, controller, clipboard } = setup({ settings: { copyWhenReady: false } });
    await controller.share('http://localhost:3000', 1, 'popup');
    await settle();
    host.giveUrl('s1');
    await settle();
    expect(clipboard).toEqual([]);
    expect(controller.getState().shares.s1?.copiedAt).toBeNull();
  });

  it('from the context menu: copies and says so in a notification', async () => {
    const { host, controller, clipboard, notifications } = setup();
    await controller.share('http://127.0.0.1:8080/', 3, 'context-menu');
    await settle();
    host.giveUrl('s1', 'https://x.trycloudflare.com');
    await settle();
    expect(clipboard).toEqual(['https://x.trycloudflare.com']);
    expect(notifications).toEqual([{ title: 'Public address copied', message: expect.stringContaining('https://x.trycloudflare.com') }]);
  });

  it('reuses the live share of the same port, and copies its known URL at once', async () => {
    const { host, controller, clipboard } = setup();
    await controller.share('http://localhost:4000', 1, 'popup');
    await settle();
    host.giveUrl('s1', 'https://same.trycloudflare.com');
    host.goLive('s1');
    await settle();
    clipboard.length = 0;
    const again = await controller.share('http://127.0.0.1:4000/other', 2, 'context-menu');
    expect(again?.share.id).toBe('s1');
    // The share keeps the tab it was started from.
    expect(again?.tabId).toBe(1);
    // The link of the page it was asked from: the same share, that page's path.
    expect(clipboard).toEqual(['https://same.trycloudflare.com/other']);
    expect(liveShares(controller.getState())).toHaveLength(1);
  });

  it('keeps a failed share with the host’s error sentence and detail for the popup', async () => {
    const { host, controller } = setup();
    await controller.share('http://localhost:3000', 1, 'popup');
    await settle();
    host.fail('s1', {
      code: 'rate-limited',
      message: 'Cloudflare is limiting quick tunnels from this network. Wait a few minutes and share again.',
      detail: '429 Too Many Requests',
    });
    await settle();
    const { tracked } = shareForOrigin(controller.getState(), 'http://localhost:3000');
    expect(tracked?.share.state).toBe('failed');
    expect(tracked?.share.error).toMatchObject({ message: expect.stringMatching(/Wait a few minutes/), detail: '429 Too Many Requests' });
    expect(liveShares(controller.getState())).toEqual([]);
  });

  it('a live share that dies on its own: failed with the host’s reason, the person told, Restart shares again from the same tab', async () => {
    const { host, controller, clipboard, notifications } = setup();
    await controller.share('http://localhost:3000/app', 6, 'popup');
    await settle();
    host.giveUrl('s1', 'https://first.trycloudflare.com');
    host.goLive('s1');
    await settle();
    expect(notifications).toEqual([]);

    const reason = {
      code: 'tunnel-exited' as const,
      message: 'cloudflared stopped unexpectedly. Share again to get a new public address.',
    };
    host.fail('s1', reason);
    await settle();
    let state = controller.getState();
    expect(state.shares.s1?.share).toMatchObject({ state: 'failed', url: 'https://first.trycloudflare.com', error: reason });
    expect(liveShares(state)).toEqual([]);
    expect(notifications).toEqual([
      { title: 'Porthole stopped sharing http://localhost:3000', message: `${reason.message} Open Porthole to restart it.` },
    ]);

    const restarted = await controller.restart('s1');
    expect(host.requests('share')).toEqual([
      expect.objectContaining({ origin: 'http://localhost:3000' }),
      expect.objectContaining({ origin: 'http://localhost:3000' }),
    ]);
    expect(restarted?.share).toMatchObject({ id: 's2', state: 'starting' });
    expect(restarted?.tabId).toBe(6);
    await settle();
    host.giveUrl('s2', 'https://second.trycloudflare.com');
    host.goLive('s2');
    await settle();
    state = controller.getState();
    // The new share replaces the failed one; its new address is copied as any new share's is.
    expect(Object.keys(state.shares)).toEqual(['s2']);
    expect(state.shares.s2?.share).toMatchObject({ state: 'live', url: 'https://second.trycloudflare.com' });
    // Both the page the share was started from (/app), on each address.
    expect(clipboard).toEqual(['https://first.trycloudflare.com/app', 'https://second.trycloudflare.com/app']);
  });

  it('restart does nothing for a share that is running or unknown', async () => {
    const { host, controller } = setup();
    await controller.share('http://localhost:3000', 1, 'popup');
    await settle();
    host.giveUrl('s1');
    host.goLive('s1');
    await settle();
    expect(await controller.restart('s1')).toBeNull();
    expect(await controller.restart('nope')).toBeNull();
    expect(host.requests('share')).toHaveLength(1);
  });

  it('a share that fails while starting is not announced as a dead share (the popup shows it)', async () => {
    const { host, controller, notifications } = setup();
    await controller.share('http://localhost:3000', 1, 'popup');
    await settle();
    host.fail('s1', { code: 'rate-limited', message: 'Wait a few minutes.' });
    await settle();
    expect(notifications).toEqual([]);
  });

  it('records an error reply to a share as the last error, for that origin, in the host’s words', async () => {
    const host = new ScriptedHost();
    host.refuseShares = {
      code: 'cloudflared-missing',
      message: 'cloudflared is not installed. Run porthole-host doctor to fetch it.',
      detail: 'searched PATH',
    };
    const { controller } = setup({ host });
    expect(await controller.share('http://localhost:3000', 1, 'popup')).toBeNull();
    expect(controller.getState().lastError).toEqual({
      message: 'cloudflared is not installed. Run porthole-host doctor to fetch it.',
      code: 'cloudflared-missing',
      detail: 'searched PATH',
      origin: 'http://localhost:3000',
      at: 5_000_000,
    });
    // Sharing again clears it while the new request runs.
    host.refuseShares = null;
    await controller.share('http://localhost:3000', 1, 'popup');
    expect(controller.getState().lastError).toBeNull();
  });

  it('refuses a page that is not on this computer without asking the host', async () => {
    const { controller, host } = setup();
    expect(await controller.share('http://example.com/', 1, 'popup')).toBeNull();
    expect(controller.getState().lastError?.message).toMatch(/example\.com is not this computer/);
    expect(host.ports).toHaveLength(0);
  });

  it('shows the setup problem when the host is not installed, and the share request fails cleanly', async () => {
    const host = new ScriptedHost();
    host.missing = NOT_FOUND;
    const { controller, notifications } = setup({ host });
    const result = await controller.share('http://localhost:3000', 1, 'context-menu');
    expect(result).toBeNull();
    expect(controller.getState().host).toEqual({ status: 'missing', reason: NOT_FOUND });
    expect(controller.getState().pending).toEqual({});
    expect(notifications).toEqual([{ title: 'Could not share http://localhost:3000', message: NOT_FOUND }]);
  });

  it('refresh() finds a missing host, and finds it again once installed', async () => {
    const host = new ScriptedHost();
    host.missing = 'No such native application dev.porthole.host';
    const { controller } = setup({ host });
    await controller.refresh();
    await settle();
    expect(controller.getState().host.status).toBe('missing');
    host.missing = null;
    await controller.refresh();
    expect(controller.getState().host).toEqual({ status: 'connected' });
    expect(host.ports).toHaveLength(2);
  });

  it('when the host dies, its shares are shown as ended and the next use reconnects', async () => {
    const { host, controller } = setup();
    await controller.share('http://localhost:3000', 1, 'popup');
    await settle();
    host.giveUrl('s1');
    host.goLive('s1');
    await settle();
    host.port.close('Native host has exited.');
    await settle();
    let state = controller.getState();
    expect(state.host).toEqual({ status: 'unreachable', reason: 'Native host has exited.' });
    expect(state.shares.s1?.share.state).toBe('failed');
    expect(state.shares.s1?.share.error?.message).toMatch(/porthole-host\) stopped \(Native host has exited\.\)/);

    const again = await controller.share('http://localhost:3000', 1, 'popup');
    expect(host.ports).toHaveLength(2);
    state = controller.getState();
    expect(state.host).toEqual({ status: 'connected' });
    expect(again?.share.state).toBe('starting');
    // The new share replaces the failed one of the same port.
    expect(Object.keys(state.shares)).toEqual([again!.share.id]);
  });

  it('a restarted background reloads its state and asks the host: shares the host no longer has are shown as ended', async () => {
    const host = new ScriptedHost();
    const first = setup({ host });
    await first.controller.share('http://localhost:3000', 4, 'popup');
    await first.controller.share('http://localhost:4000', 5, 'popup');
    await settle();
    host.giveUrl('s1', 'https://kept.trycloudflare.com');
    host.goLive('s1');
    await settle();
    await first.controller.flush();

    // The browser stopped the background, and with its native port the host and its tunnels.
    host.port.close('The background stopped.');
    const second = createShareController({
      client: createHostClient({ connect: host.connect, timeoutMs: 1000 }),
      area: fakeBrowser.storage.session,
      readPreferences: async () => DEFAULT_PREFERENCES,
      writeClipboard: async () => {},
      notify: async () => {},
    });
    await second.start();
    const state = second.getState();
    expect(host.requests('list')).toHaveLength(1);
    expect(state.shares.s1?.share).toMatchObject({ state: 'failed', url: 'https://kept.trycloudflare.com' });
    expect(state.shares.s1?.tabId).toBe(4);
    expect(liveShares(state)).toEqual([]);
    expect(state.host).toEqual({ status: 'connected' });
  });

  it('says hello first on every connection and keeps the answer, so a missing cloudflared shows before any share', async () => {
    const host = new ScriptedHost();
    host.hello = {
      ...TEST_HELLO,
      cloudflared: null,
      cloudflaredError: { code: 'cloudflared-missing', message: 'cloudflared was not found.' },
    };
    const { controller } = setup({ host });
    await controller.refresh();
    await settle();
    // A host that makes stable addresses is asked for its account once it said so in hello.
    expect(host.requests().map((request) => request.type)).toEqual(['hello', 'list', 'account']);
    let state = controller.getState();
    expect(state.hello).toMatchObject({ version: '0.0.0-test', cloudflared: null });
    expect(hostSetupProblem(state.host, state.hello)).toEqual({ status: 'cloudflared-missing', message: 'cloudflared was not found.' });

    // The host stops; the next connection is another host process, which is asked again.
    host.port.close('Native host has exited.');
    await settle();
    expect(controller.getState().hello).toBeNull();
    host.hello = TEST_HELLO;
    await controller.refresh();
    await settle();
    expect(host.requests().map((request) => request.type)).toEqual(['hello', 'list', 'account', 'hello', 'list', 'account']);
    state = controller.getState();
    expect(hostSetupProblem(state.host, state.hello)).toBeNull();
  });

  it('does not start the host at background start when nothing was shared', async () => {
    const { host, controller } = setup();
    await controller.start();
    expect(host.ports).toHaveLength(0);
  });

  it('stops one share, and all shares', async () => {
    const { host, controller } = setup();
    await controller.share('http://localhost:3000', 1, 'popup');
    await controller.share('http://localhost:4000', 2, 'popup');
    await controller.share('http://localhost:5000', 3, 'popup');
    await settle();
    await controller.stop('s1');
    expect(liveShares(controller.getState()).map((t) => t.share.origin)).toEqual(['http://localhost:4000', 'http://localhost:5000']);
    await controller.stopAll();
    expect(host.requests('stop-all')).toHaveLength(1);
    expect(liveShares(controller.getState())).toEqual([]);
    expect(host.shares()).toEqual([]);
  });

  it('stops the shares of a closed tab only when the setting is on', async () => {
    const off = setup();
    await off.controller.share('http://localhost:3000', 9, 'popup');
    await off.controller.tabClosed(9);
    expect(off.host.requests('stop')).toEqual([]);
    expect(liveShares(off.controller.getState())).toHaveLength(1);

    fakeBrowser.reset();
    const on = setup({ settings: { stopWhenTabCloses: true } });
    await on.controller.share('http://localhost:3000', 9, 'popup');
    await on.controller.share('http://localhost:4000', 10, 'popup');
    await on.controller.tabClosed(9);
    expect(on.host.requests('stop')).toEqual([expect.objectContaining({ shareId: 's1' })]);
    expect(liveShares(on.controller.getState()).map((t) => t.share.origin)).toEqual(['http://localhost:4000']);
  });

  it('reports a host that does not answer in time', async () => {
    vi.useFakeTimers();
    try {
      const host = new ScriptedHost();
      host.answering = false;
      const { controller } = setup({ host });
      const sharing = controller.share('http://localhost:3000', 1, 'popup');
      await vi.advanceTimersByTimeAsync(1000);
      expect(await sharing).toBeNull();
      const state = controller.getState();
      expect(state.pending).toEqual({});
      expect(state.lastError).toMatchObject({
        origin: 'http://localhost:3000',
        message: expect.stringMatching(/did not answer the share request/),
      });
    } finally {
      vi.useRealTimers();
    }
  });

  it('lets an idle host go after a minute with nothing shared, and keeps it while something is', async () => {
    vi.useFakeTimers();
    try {
      const { host, controller } = setup();
      await controller.refresh();
      expect(host.port.closedByUs).toBe(false);
      await vi.advanceTimersByTimeAsync(59_000);
      expect(host.port.closedByUs).toBe(false);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(host.port.closedByUs).toBe(true);
      // Nothing changes for the person: the host was reachable, and the next request reopens it.
      expect(controller.getState().host).toEqual({ status: 'connected' });

      await controller.share('http://localhost:3000', 1, 'popup');
      await vi.advanceTimersByTimeAsync(0);
      expect(host.ports).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(10 * 60_000);
      expect(host.port.closedByUs).toBe(false);

      await controller.stopAll();
      await vi.advanceTimersByTimeAsync(60_000);
      expect(host.port.closedByUs).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
