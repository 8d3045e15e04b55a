import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { backgroundCommandsProxy, serveBackgroundCommands } from '../background-commands';
import { createHostClient } from '../host-client';
import { DEFAULT_PREFERENCES } from '../preferences';
import { createShareController } from '../share-controller';
import { readState } from '../share-store';
import { ScriptedHost, settle } from './scripted-host';

beforeEach(() => fakeBrowser.reset());

function setup() {
  const host = new ScriptedHost();
  const controller = createShareController({
    client: createHostClient({ connect: host.connect }),
    area: fakeBrowser.storage.session,
    readPreferences: async () => DEFAULT_PREFERENCES,
    writeClipboard: async () => {},
    notify: async () => {},
  });
  serveBackgroundCommands(fakeBrowser.runtime.onMessage, controller);
  const send = (message: unknown) => fakeBrowser.runtime.sendMessage(message);
  return { host, controller, send, background: backgroundCommandsProxy(send) };
}

describe('popup → background commands over runtime messaging', () => {
  it('share, then stop, each answered, with the outcome in storage.session', async () => {
    const { host, controller, background } = setup();
    const shared = await background.share('http://localhost:3000/x', 5, 'popup');
    // The controller's own result comes back through the proxy.
    expect(shared).toMatchObject({ tabId: 5, share: { id: 's1', state: 'starting' } });
    await settle();
    await controller.flush();
    let stored = await readState(fakeBrowser.storage.session);
    expect(stored.shares.s1).toMatchObject({ tabId: 5, share: { origin: 'http://localhost:3000', state: 'starting' } });

    await background.stop('s1');
    await controller.flush();
    stored = await readState(fakeBrowser.storage.session);
    expect(stored.shares).toEqual({});
    // The account (a host with stable addresses) is read after hello, beside what is tested here.
    expect(
      host
        .requests()
        .map((request) => request.type)
        .filter((type) => type !== 'account'),
    ).toEqual(['hello', 'share', 'stop']);
  });

  it('refresh reports a missing host through the state', async () => {
    const { host, controller, background } = setup();
    host.missing = 'Specified native messaging host not found.';
    await background.refresh();
    await settle();
    await controller.flush();
    expect((await readState(fakeBrowser.storage.session)).host).toEqual({
      status: 'missing',
      reason: 'Specified native messaging host not found.',
    });
  });

  it('restart shares the origin of a failed share again', async () => {
    const { host, controller, background } = setup();
    await background.share('http://localhost:3000/x', 5, 'popup');
    await settle();
    host.giveUrl('s1');
    host.goLive('s1');
    host.fail('s1', { code: 'tunnel-exited', message: 'cloudflared stopped unexpectedly.' });
    await settle();
    await background.restart('s1');
    await controller.flush();
    const stored = await readState(fakeBrowser.storage.session);
    expect(Object.values(stored.shares)).toEqual([
      expect.objectContaining({
        tabId: 5,
        share: expect.objectContaining({ id: 's2', origin: 'http://localhost:3000', state: 'starting' }),
      }),
    ]);
  });

  it('a command the background cannot run rejects with its reason', async () => {
    const failing = backgroundCommandsProxy(async () => ({ ok: false, message: 'The background is gone.' }));
    await expect(failing.stopAll()).rejects.toThrow('The background is gone.');
    const silent = backgroundCommandsProxy(async () => undefined);
    await expect(silent.refresh()).rejects.toThrow(/did not answer/);
  });

  it('answers only its own messages, leaving the rest to other listeners', async () => {
    const { send } = setup();
    await expect(send({ type: 'porthole:offscreen-copy', text: 'x' })).resolves.toBeUndefined();
    await expect(send({ type: 'porthole:command', name: 'getState', args: [] })).resolves.toBeUndefined();
  });
});
