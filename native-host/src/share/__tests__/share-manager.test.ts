import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { hostError, PortholeError } from '../../errors.js';
import type { HostError, LoopbackOrigin, ShareEvent } from '../../protocol/index.js';
import { ShareManager, type TunnelHandle } from '../share-manager.js';

/** Stands in for a cloudflared process: the test says what it prints and when it exits. */
class ScriptedTunnel extends EventEmitter implements TunnelHandle {
  stops = 0;
  killed = false;
  constructor(readonly origin: LoopbackOrigin) {
    super();
  }
  stop(): Promise<void> {
    this.stops++;
    queueMicrotask(() => this.emit('exit', { requested: true, failure: null }));
    return Promise.resolve();
  }
  killNow(): void {
    this.killed = true;
  }
  fail(error: HostError): void {
    this.emit('exit', { requested: false, failure: error });
  }
}

function setup(maxShares?: number) {
  const tunnels: ScriptedTunnel[] = [];
  let n = 0;
  const manager = new ShareManager({
    startTunnel: (origin) => {
      const tunnel = new ScriptedTunnel(origin);
      tunnels.push(tunnel);
      return tunnel;
    },
    now: () => 1000,
    newId: () => `share-${++n}`,
    maxShares,
  });
  const events: ShareEvent[] = [];
  manager.on('event', (event) => events.push(event));
  return { manager, tunnels, events, changes: () => events.map((e) => `${e.share.id}:${e.change}`) };
}

describe('ShareManager', () => {
  it('announces starting, url and live as the tunnel reports them', () => {
    const { manager, tunnels, changes, events } = setup();
    const { share, existing } = manager.share('http://localhost:5173/app');
    expect(existing).toBe(false);
    expect(share).toMatchObject({ id: 'share-1', origin: 'http://localhost:5173', state: 'starting', url: null });
    tunnels[0]?.emit('url', 'https://a-b-c-d.trycloudflare.com');
    tunnels[0]?.emit('live');
    expect(changes()).toEqual(['share-1:starting', 'share-1:url', 'share-1:live']);
    expect(events.at(-1)?.share).toMatchObject({ state: 'live', url: 'https://a-b-c-d.trycloudflare.com' });
    expect(manager.list()).toHaveLength(1);
  });

  it('returns the running share for a second request of the same origin, without a second tunnel', () => {
    const { manager, tunnels } = setup();
    const first = manager.share('http://localhost:3000');
    const second = manager.share('http://localhost:3000/other/page');
    expect(second).toEqual({ share: first.share, existing: true });
    expect(tunnels).toHaveLength(1);
  });

  it('treats different ports and hosts as different shares', () => {
    const { manager, tunnels } = setup();
    manager.share('http://localhost:3000');
    manager.share('http://localhost:3001');
    manager.share('http://127.0.0.1:3000');
    expect(tunnels.map((t) => t.origin.origin)).toEqual(['http://localhost:3000', 'http://localhost:3001', 'http://127.0.0.1:3000']);
  });

  it('refuses non-loopback origins before starting anything', () => {
    const { manager, tunnels } = setup();
    expect(() => manager.share('http://example.com')).toThrow(PortholeError);
    try {
      manager.share('http://192.168.0.2:80');
    } catch (error) {
      expect((error as PortholeError).hostError.code).toBe('not-loopback');
    }
    expect(tunnels).toHaveLength(0);
  });

  it('stop ends the tunnel and resolves with the stopped share; it leaves the list', async () => {
    const { manager, tunnels, changes } = setup();
    const { share } = manager.share('http://localhost:3000');
    const stopped = await manager.stop(share.id);
    expect(stopped.state).toBe('stopped');
    expect(tunnels[0]?.stops).toBe(1);
    expect(manager.list()).toEqual([]);
    expect(changes()).toEqual(['share-1:starting', 'share-1:stopped']);
  });

  it('stopping an unknown share is a bad request with a sentence', async () => {
    const { manager } = setup();
    await expect(manager.stop('nope')).rejects.toMatchObject({ hostError: { code: 'bad-request' } });
  });

  it('a tunnel that dies on its own fails the share with the reason, and a new share can start', () => {
    const { manager, tunnels, events } = setup();
    manager.share('http://localhost:3000');
    tunnels[0]?.fail(hostError('rate-limited', undefined, 'failed to unmarshal quick Tunnel'));
    expect(events.at(-1)).toMatchObject({ change: 'failed', share: { state: 'failed', error: { code: 'rate-limited' } } });
    expect(manager.list()).toEqual([]);
    expect(manager.share('http://localhost:3000').existing).toBe(false);
    expect(tunnels).toHaveLength(2);
  });

  it('stopAll stops every share', async () => {
    const { manager, tunnels } = setup();
    for (let port = 3000; port < 3005; port++) manager.share(`http://localhost:${port}`);
    const stopped = await manager.stopAll();
    expect(stopped.map((s) => s.state)).toEqual(Array(5).fill('stopped'));
    expect(tunnels.every((t) => t.stops === 1)).toBe(true);
    expect(manager.list()).toEqual([]);
  });

  it('caps concurrent shares with a clear error', () => {
    const { manager } = setup(2);
    manager.share('http://localhost:1');
    manager.share('http://localhost:2');
    expect(() => manager.share('http://localhost:3')).toThrow(/at most 2 shares/);
  });

  it('killAllNow reaches every tunnel', () => {
    const { manager, tunnels } = setup();
    manager.share('http://localhost:1');
    manager.share('http://localhost:2');
    manager.killAllNow();
    expect(tunnels.map((t) => t.killed)).toEqual([true, true]);
  });
});
