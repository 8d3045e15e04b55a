import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHostClient, HostRequestError } from '../host-client';
import type { NativePort } from '../native-port';
import type { ExtensionToHost, HostToExtension, Share, ShareEvent } from '../protocol';
import { ScriptedHost, settle } from './scripted-host';
import { share as liveShare } from './share-fixture';

/** A browser port with no host behind it: the test plays the host's part message by message. */
class FakeNativePort implements NativePort {
  readonly sent: ExtensionToHost[] = [];
  closedByUs = false;
  closedByBrowser = false;
  private readonly messageListeners: Array<(message: HostToExtension) => void> = [];
  private readonly disconnectListeners: Array<(reason: string) => void> = [];

  constructor(private readonly onPost: (message: ExtensionToHost, port: FakeNativePort) => void = () => {}) {}

  postMessage(message: ExtensionToHost): void {
    if (this.closedByUs || this.closedByBrowser) throw new Error('Attempting to use a disconnected port object');
    this.sent.push(message);
    this.onPost(message, this);
  }
  disconnect(): void {
    this.closedByUs = true;
  }
  onMessage(listener: (message: HostToExtension) => void): void {
    this.messageListeners.push(listener);
  }
  onDisconnect(listener: (reason: string) => void): void {
    this.disconnectListeners.push(listener);
  }

  /** The host writes a frame. */
  deliver(message: HostToExtension): void {
    if (this.closedByUs || this.closedByBrowser) return;
    for (const listener of this.messageListeners) listener(message);
  }
  /** The browser closes the port (the host exited, or was never found). */
  close(reason: string): void {
    if (this.closedByUs || this.closedByBrowser) return;
    this.closedByBrowser = true;
    for (const listener of this.disconnectListeners) listener(reason);
  }
}

afterEach(() => {
  vi.useRealTimers();
});

describe('host client', () => {
  it('gives each request an id and settles each with the reply that names it, in any order', async () => {
    const port = new FakeNativePort();
    const client = createHostClient({ connect: () => port });
    const list = client.request({ type: 'list' });
    const hello = client.request({ type: 'hello' });
    const [listRequest, helloRequest] = port.sent;
    expect(listRequest?.id).toBeTruthy();
    expect(helloRequest?.id).toBeTruthy();
    expect(listRequest?.id).not.toBe(helloRequest?.id);

    // Replies arrive in the other order.
    port.deliver({
      id: helloRequest!.id,
      ok: true,
      type: 'hello',
      name: 'dev.porthole.host',
      version: '1.2.3',
      protocol: 1,
      platform: 'linux',
      arch: 'x64',
      cloudflared: null,
      cloudflaredError: null,
    });
    port.deliver({ id: listRequest!.id, ok: true, type: 'list', shares: [] });
    await expect(hello).resolves.toMatchObject({ type: 'hello', version: '1.2.3' });
    await expect(list).resolves.toMatchObject({ type: 'list', shares: [] });
  });

  it('sends configure with its settings as written (null removes one) and settles with the configured share', async () => {
    const port = new FakeNativePort();
    const client = createHostClient({ connect: () => port });
    const configured = client.request({ type: 'configure', shareId: 's9', settings: { password: null, expiresInMinutes: 15 } });
    expect(port.sent).toEqual([
      { id: expect.any(String), type: 'configure', shareId: 's9', settings: { password: null, expiresInMinutes: 15 } },
    ]);
    const share: Share = {
      id: 's9',
      origin: 'http://localhost:3000',
      state: 'live',
      url: null,
      startedAt: 1,
      endedAt: null,
      error: null,
      password: null,
      expiresAt: 900_001,
      keepPublicHost: false,
      warnings: [],
      traffic: { requests: 0, visitors: 0, recent: [] },
      stopReason: null,
      restarts: 0,
    };
    port.deliver({ id: port.sent[0]!.id, ok: true, type: 'configure', share });
    const reply = await configured;
    // Typed as the configure reply: `share` is there without a cast.
    expect(reply.share.expiresAt).toBe(900_001);
  });

  it('rejects with the host’s own error sentence when the host answers with an error', async () => {
    const port = new FakeNativePort();
    const client = createHostClient({ connect: () => port });
    const share = client.request({ type: 'share', origin: 'http://example.com' });
    port.deliver({ id: port.sent[0]!.id, ok: false, error: { code: 'not-loopback', message: 'example.com is not this computer.' } });
    const error = await share.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HostRequestError);
    expect((error as HostRequestError).message).toBe('example.com is not this computer.');
    expect((error as HostRequestError).failure).toEqual({
      kind: 'host',
      error: { code: 'not-loopback', message: 'example.com is not this computer.' },
    });
  });

  it('times a request out, and ignores the late reply', async () => {
    vi.useFakeTimers();
    const port = new FakeNativePort();
    const client = createHostClient({ connect: () => port, timeoutMs: 5000 });
    const list = client.request({ type: 'list' });
    const outcome = list.catch((caught: unknown) => caught);
    await vi.advanceTimersByTimeAsync(4999);
    port.deliver({ id: 'nothing-yet', ok: true, type: 'list', shares: [] });
    await vi.advanceTimersByTimeAsync(1);
    const error = (await outcome) as HostRequestError;
    expect(error.failure).toEqual({ kind: 'timeout', requestType: 'list', timeoutMs: 5000 });
    expect(error.message).toMatch(/did not answer the list request within 5 s/);
    expect(() => port.deliver({ id: port.sent[0]!.id, ok: true, type: 'list', shares: [] })).not.toThrow();
  });

  it('lets one request wait longer than the default', async () => {
    vi.useFakeTimers();
    const port = new FakeNativePort();
    const client = createHostClient({ connect: () => port, timeoutMs: 1000 });
    const list = client.request({ type: 'list' }, { timeoutMs: 10_000 });
    await vi.advanceTimersByTimeAsync(5000);
    port.deliver({ id: port.sent[0]!.id, ok: true, type: 'list', shares: [] });
    await expect(list).resolves.toMatchObject({ type: 'list' });
  });

  it('rejects every pending request with the browser’s reason when the port closes', async () => {
    const port = new FakeNativePort();
    const client = createHostClient({ connect: () => port });
    const told: string[] = [];
    client.onDisconnect((reason) => told.push(reason));
    const first = client.request({ type: 'list' }).catch((caught: unknown) => caught);
    const second = client.request({ type: 'stop-all' }).catch((caught: unknown) => caught);
    port.close('Native host has exited.');
    for (const outcome of [await first, await second]) {
      expect(outcome).toBeInstanceOf(HostRequestError);
      expect((outcome as HostRequestError).failure).toEqual({ kind: 'disconnected', reason: 'Native host has exited.' });
    }
    expect(told).toEqual(['Native host has exited.']);
    expect(client.connected).toBe(false);
  });

  it('reconnects on the next request after a disconnect', async () => {
    const host = new ScriptedHost();
    const client = createHostClient({ connect: host.connect });
    await client.request({ type: 'list' });
    host.port.close('Native host has exited.');
    expect(client.connected).toBe(false);
    await expect(client.request({ type: 'list' })).resolves.toMatchObject({ type: 'list' });
    expect(host.ports).toHaveLength(2);
  });

  it('opens no port until the first request, and only one for many requests', async () => {
    const host = new ScriptedHost();
    const client = createHostClient({ connect: host.connect });
    expect(host.ports).toHaveLength(0);
    await Promise.all([client.request({ type: 'list' }), client.request({ type: 'hello' }), client.request({ type: 'list' })]);
    expect(host.ports).toHaveLength(1);
  });

  it('rejects with the reason when the port cannot be opened at all', async () => {
    const client = createHostClient({
      connect: () => {
        throw new Error('No such native application dev.porthole.host');
      },
    });
    const error = (await client.request({ type: 'list' }).catch((caught: unknown) => caught)) as HostRequestError;
    expect(error.failure).toEqual({ kind: 'disconnected', reason: 'No such native application dev.porthole.host' });
  });

  it('sends pushed share events to every listener, and not to ones that left', async () => {
    const port = new FakeNativePort();
    const client = createHostClient({ connect: () => port });
    void client.request({ type: 'list' });
    const seen: ShareEvent[] = [];
    const alsoSeen: ShareEvent[] = [];
    client.onEvent((event) => seen.push(event));
    const leave = client.onEvent((event) => alsoSeen.push(event));
    const share = liveShare({ startedAt: 1 });
    port.deliver({ type: 'share-event', change: 'live', share });
    leave();
    port.deliver({ type: 'share-event', change: 'stopped', share: { ...share, state: 'stopped' } });
    expect(seen.map((event) => event.change)).toEqual(['live', 'stopped']);
    expect(alsoSeen.map((event) => event.change)).toEqual(['live']);
  });

  it('closes its port on disconnect() and rejects what was pending, without telling disconnect listeners', async () => {
    const port = new FakeNativePort();
    const client = createHostClient({ connect: () => port });
    const told: string[] = [];
    client.onDisconnect((reason) => told.push(reason));
    const pending = client.request({ type: 'list' }).catch((caught: unknown) => caught);
    client.disconnect();
    expect(port.closedByUs).toBe(true);
    expect(((await pending) as HostRequestError).failure.kind).toBe('disconnected');
    expect(told).toEqual([]);
    await settle();
  });
});
