import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { answerBackgroundRequests } from '../background-requests';
import { createHostClient } from '../host-client';
import { askBackground } from '../runtime-messages';
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
  answerBackgroundRequests(fakeBrowser.runtime.onMessage, controller);
  const send = (message: unknown) => fakeBrowser.runtime.sendMessage(message);
  return { host, controller, send };
}

describe('popup → background requests over runtime messaging', () => {
  it('share, then stop, each answered, with the outcome in storage.session', async () => {
    const { host, controller, send } = setup();
    expect(await askBackground(send, { type: 'porthole:share', url: 'http://localhost:3000/x', tabId: 5 })).toEqual({ ok: true });
    await settle();
    await controller.flush();
    let stored = await readState(fakeBrowser.storage.session);
    expect(stored.shares.s1).toMatchObject({ tabId: 5, share: { origin: 'http://localhost:3000', state: 'starting' } });

    expect(await askBackground(send, { type: 'porthole:stop', shareId: 's1' })).toEqual({ ok: true });
    await controller.flush();
    stored = await readState(fakeBrowser.storage.session);
    expect(stored.shares).toEqual({});
    expect(host.requests().map((request) => request.type)).toEqual(['share', 'stop']);
  });

  it('refresh reports a missing host through the state', async () => {
    const { host, controller, send } = setup();
    host.missing = 'Specified native messaging host not found.';
    await askBackground(send, { type: 'porthole:refresh' });
    await settle();
    await controller.flush();
    expect((await readState(fakeBrowser.storage.session)).host).toEqual({ status: 'missing', reason: 'Specified native messaging host not found.' });
  });

  it('restart shares the origin of a failed share again', async () => {
    const { host, controller, send } = setup();
    await askBackground(send, { type: 'porthole:share', url: 'http://localhost:3000/x', tabId: 5 });
    await settle();
    host.giveUrl('s1');
    host.goLive('s1');
    host.fail('s1', { code: 'tunnel-exited', message: 'cloudflared stopped unexpectedly.' });
    await settle();
    expect(await askBackground(send, { type: 'porthole:restart', shareId: 's1' })).toEqual({ ok: true });
    await controller.flush();
    const stored = await readState(fakeBrowser.storage.session);
    expect(Object.values(stored.shares)).toEqual([expect.objectContaining({ tabId: 5, share: expect.objectContaining({ id: 's2', origin: 'http://localhost:3000', state: 'starting' }) })]);
  });

  it('leaves messages that are not its own to other listeners', async () => {
    const { send } = setup();
    await expect(send({ type: 'porthole:offscreen-copy', text: 'x' })).resolves.toBeUndefined();
  });
});
