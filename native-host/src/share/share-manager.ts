/**
 * Owns every share of this host: one per origin, each backed by one tunnel. Turns tunnel events
 * into share transitions (share-state.ts) and announces each change.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { PortholeError } from '../errors.js';
import { checkLoopbackOrigin, type LoopbackOrigin, type Share, type ShareEvent } from '../protocol/index.js';
import { createShare, nextShare, type ShareInput } from './share-state.js';

/** What the manager needs of a tunnel; cloudflared/tunnel.ts is the real one. */
export interface TunnelHandle {
  on(event: 'url', listener: (url: string) => void): unknown;
  on(event: 'live', listener: () => void): unknown;
  on(event: 'exit', listener: (exit: { requested: boolean; failure: Share['error'] }) => void): unknown;
  stop(): Promise<unknown>;
  killNow(): void;
}

export interface ShareManagerDeps {
  startTunnel(origin: LoopbackOrigin): TunnelHandle;
  now?: () => number;
  newId?: () => string;
  /** Each share is a cloudflared process and a public address; a runaway caller must not make hundreds. */
  maxShares?: number;
}

interface Entry {
  share: Share;
  tunnel: TunnelHandle;
  ended: Promise<void>;
}

export const DEFAULT_MAX_SHARES = 32;

export class ShareManager extends EventEmitter<{ event: [ShareEvent] }> {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly maxShares: number;

  constructor(private readonly deps: ShareManagerDeps) {
    super();
    this.now = deps.now ?? Date.now;
    this.newId = deps.newId ?? (() => randomUUID());
    this.maxShares = deps.maxShares ?? DEFAULT_MAX_SHARES;
  }

  /** Starts sharing an origin, or returns the share that already serves it. */
  share(input: string): { share: Share; existing: boolean } {
    const checked = checkLoopbackOrigin(input);
    if (!checked.ok) throw new PortholeError(checked.code, checked.message);
    const origin = checked.value;
    const running = [...this.entries.values()].find((entry) => entry.share.origin === origin.origin);
    if (running !== undefined) return { share: running.share, existing: true };
    if (this.entries.size >= this.maxShares) {
      throw new PortholeError('bad-request', `Porthole runs at most ${this.maxShares} shares at once. Stop one you no longer need, then share again.`);
    }

    const tunnel = this.deps.startTunnel(origin);
    const id = this.newId();
    let resolveEnded!: () => void;
    const entry: Entry = { share: createShare(id, origin.origin, this.now()), tunnel, ended: new Promise((r) => (resolveEnded = r)) };
    this.entries.set(id, entry);
    this.announce(entry.share, 'starting');

    tunnel.on('url', (url) => this.apply(entry, { kind: 'url', url }));
    tunnel.on('live', () => this.apply(entry, { kind: 'live' }));
    tunnel.on('exit', ({ requested, failure }) => {
      const at = this.now();
      this.apply(entry, requested || failure === null ? { kind: 'stopped', at } : { kind: 'failed', error: failure, at });
      this.entries.delete(id);
      resolveEnded();
    });
    return { share: entry.share, existing: false };
  }

  async stop(shareId: string): Promise<Share> {
    const entry = this.entries.get(shareId);
    if (entry === undefined) {
      throw new PortholeError('bad-request', 'That share is not running any more (it was stopped, or it failed). Refresh the list of shares.');
    }
    await entry.tunnel.stop();
    await entry.ended;
    return entry.share;
  }

  async stopAll(): Promise<Share[]> {
    const entries = [...this.entries.values()];
    await Promise.all(entries.map(async (entry) => {
      await entry.tunnel.stop();
      await entry.ended;
    }));
    return entries.map((entry) => entry.share);
  }

  /** Last resort when the host is exiting and cannot wait for a graceful stop. */
  killAllNow(): void {
    for (const entry of this.entries.values()) entry.tunnel.killNow();
  }

  /** Shares that are starting or live. */
  list(): Share[] {
    return [...this.entries.values()].map((entry) => entry.share);
  }

  private apply(entry: Entry, input: ShareInput): void {
    const transition = nextShare(entry.share, input);
    if (transition === null) return;
    entry.share = transition.share;
    this.announce(transition.share, transition.change);
  }

  private announce(share: Share, change: ShareEvent['change']): void {
    this.emit('event', { type: 'share-event', change, share });
  }
}
