import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { hostError, PortholeError } from '../../errors.js';
import type { HostError, LoopbackOrigin, ShareEvent } from '../../protocol/index.js';
import { ShareManager, type ShareRuntime } from '../share-manager.js';
import type { AppliedSettings } from '../share-transitions.js';

/** Stands in for a gateway and its cloudflared: the test says what they report and when they end. */
class ScriptedTunnel extends EventEmitter implements ShareRuntime {
  stops = 0;
  killed = false;
  configured: AppliedSettings[] = [];
  constructor(
    readonly origin: LoopbackOrigin,
    readonly settings: AppliedSettings,
  ) {
    super();
  }
  configure(settings: AppliedSettings): void {
    this.configured.push(settings);
  }
  /** A stopped tunnel still reports how it ended (killed by a signal): the manager knows it asked. */
  stop(): Promise<void> {
    this.stops++;
    queueMicrotask(() => this.emit('exit', hostError('tunnel-exited', undefined, 'cloudflared was ended by SIGTERM')));
    return Promise.resolve();
  }
  killNow(): void {
    this.killed = true;
  }
  fail(error: HostError): void {
    this.emit('exit', error);
  }
}

/** A clock the test moves by hand, with the timers the manager sets for expiry. */
function fakeClock() {
  const clock = {
    now: 1000,
    timers: [] as { at: number; task: () => void; cancelled: boolean }[],
    setTimer(ms: number, task: () => void) {
      const timer = { at: clock.now + ms, task, cancelled: false };
      clock.timers.push(timer);
      return () => (timer.cancelled = true);
    },
    advance(ms: number) {
      clock.now += ms;
      for (const timer of clock.timers.filter((t) => !t.cancelled && t.at <= clock.now)) {
        timer.cancelled = true;
        timer.task();
      }
    },
    pending: () => clock.timers.filter((t) => !t.cancelled).length,
  };
  return clock;
}

function setup(maxShares?: number) {
  const tunnels: ScriptedTunnel[] = [];
  let n = 0;
  const clock = fakeClock();
  const manager = new ShareManager({
    startShare: (origin, settings) => {
      const tunnel = new ScriptedTunnel(origin, settings);
      tunnels.push(tunnel);
      return tunnel;
    },
    now: () => clock.now,
    newId: () => `share-${++n}`,
    maxShares,
    setTimer: (ms, task) => clock.setTimer(ms, task),
  });
  const events: ShareEvent[] = [];
  manager.on('event', (event) => events.push(event));
  return { manager, tunnels, events, clock, changes: () => events.map((e) => `${e.share.id}:${e.change}`) };
}

describe('ShareManager', () => {
  it('returns a new share as starting, then announces url and live as the tunnel reports them', () => {
    const { manager, tunnels, changes, events } = setup();
    const { share, existing } = manager.share('http://localhost:5173/app');
    expect(existing).toBe(false);
    expect(share).toMatchObject({ id: 'share-1', origin: 'http://localhost:5173', state: 'starting', url: null });
    tunnels[0]?.emit('url', 'https://a-b-c-d.trycloudflare.com');
    tunnels[0]?.emit('live', true);
    expect(changes()).toEqual(['share-1:url', 'share-1:live']);
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

  it('serves every loopback name of one server with one share: localhost, 127.0.0.1, [::1], 0.0.0.0, [::]', () => {
    const { manager, tunnels } = setup();
    const first = manager.share('http://0.0.0.0:3000/');
    for (const alias of ['http://localhost:3000/a', 'http://127.0.0.1:3000', 'http://[::1]:3000', 'http://[::]:3000']) {
      expect(manager.share(alias)).toEqual({ share: first.share, existing: true });
    }
    expect(tunnels.map((t) => t.origin.origin)).toEqual(['http://127.0.0.1:3000']);
  });

  it('treats other ports, schemes, *.localhost names and other 127.x addresses as different shares', () => {
    const { manager, tunnels } = setup();
    for (const origin of [
      'http://localhost:3000',
      'http://localhost:3001',
      'https://localhost:3000',
      'http://app.localhost:3000',
      'http://127.0.0.2:3000',
    ]) {
      expect(manager.share(origin).existing).toBe(false);
    }
    expect(tunnels.map((t) => t.origin.origin)).toEqual([
      'http://localhost:3000',
      'http://localhost:3001',
      'https://localhost:3000',
      'http://app.localhost:3000',
      'http://127.0.0.2:3000',
    ]);
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
    expect(changes()).toEqual(['share-1:stopped']);
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

  it('starts with the options it is given: password, expiry from now, Host handling', () => {
    const { manager, tunnels } = setup();
    const { share } = manager.share('http://localhost:3000', { password: 'secret', expiresInMinutes: 0.5, keepPublicHost: true });
    expect(share).toMatchObject({ password: 'secret', expiresAt: 1000 + 30_000, keepPublicHost: true, warnings: [], stopReason: null });
    expect(tunnels[0]?.settings).toEqual({ password: 'secret', expiresAt: 31_000, keepPublicHost: true });
  });

  it('ignores options when the origin is already shared', () => {
    const { manager } = setup();
    manager.share('http://localhost:3000');
    expect(manager.share('http://localhost:3000', { password: 'late' }).share.password).toBeNull();
  });

  it('stops a share when it expires, as stopped with the reason expired', async () => {
    const { manager, tunnels, events, clock } = setup();
    manager.share('http://localhost:3000', { expiresInMinutes: 1 });
    clock.advance(59_999);
    expect(tunnels[0]?.stops).toBe(0);
    clock.advance(1);
    expect(tunnels[0]?.stops).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(events.at(-1)).toMatchObject({ change: 'stopped', share: { state: 'stopped', stopReason: 'expired', endedAt: 61_000 } });
    expect(manager.list()).toEqual([]);
  });

  it('configure changes what it is given, leaves the rest, and moves or removes the expiry', () => {
    const { manager, tunnels, clock, changes } = setup();
    const { share } = manager.share('http://localhost:3000', { password: 'one', expiresInMinutes: 10 });
    clock.advance(1000);
    expect(manager.configure(share.id, { keepPublicHost: true })).toMatchObject({
      password: 'one',
      keepPublicHost: true,
      expiresAt: 1000 + 600_000,
    });
    expect(manager.configure(share.id, { password: null, expiresInMinutes: 1 })).toMatchObject({
      password: null,
      keepPublicHost: true,
      expiresAt: 2000 + 60_000,
    });
    expect(tunnels[0]?.configured.at(-1)).toEqual({ password: null, keepPublicHost: true, expiresAt: 62_000 });
    expect(clock.pending()).toBe(1);
    expect(manager.configure(share.id, { expiresInMinutes: null })).toMatchObject({ expiresAt: null });
    expect(clock.pending()).toBe(0);
    clock.advance(3_600_000);
    expect(tunnels[0]?.stops).toBe(0);
    // Nothing changed: no event.
    manager.configure(share.id, {});
    expect(changes()).toEqual(['share-1:configured', 'share-1:configured', 'share-1:configured']);
  });

  it('configure on a share that is not running is a bad request', () => {
    const { manager } = setup();
    expect(() => manager.configure('nope', { password: 'x' })).toThrow(/not running any more/);
  });

  it('passes on the origin going away and coming back, with a warning that names the origin', () => {
    const { manager, tunnels, events } = setup();
    manager.share('http://localhost:3000');
    tunnels[0]?.emit('origin', false);
    expect(events.at(-1)).toMatchObject({
      change: 'origin-unreachable',
      share: { warnings: [{ code: 'origin-unreachable', message: expect.stringContaining('http://localhost:3000') }] },
    });
    tunnels[0]?.emit('origin', true);
    expect(events.at(-1)).toMatchObject({ change: 'origin-reachable', share: { warnings: [] } });
  });

  it('goes live unverified, then verified; passes traffic on', () => {
    const { manager, tunnels, changes, events } = setup();
    manager.share('http://localhost:3000');
    tunnels[0]?.emit('url', 'https://a-b.trycloudflare.com');
    tunnels[0]?.emit('live', false);
    expect(events.at(-1)?.share.warnings?.map((w) => w.code)).toEqual(['unverified']);
    tunnels[0]?.emit('verified');
    tunnels[0]?.emit('traffic', { requests: 1, visitors: 1, recent: [] });
    expect(changes()).toEqual(['share-1:url', 'share-1:live', 'share-1:verified', 'share-1:traffic']);
    expect(manager.list()[0]).toMatchObject({ state: 'live', warnings: [], traffic: { requests: 1 } });
  });
});
