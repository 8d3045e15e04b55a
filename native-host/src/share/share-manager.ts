/**
 * Owns every share of this host: one per local server (shareKeyOf), each backed by one runtime (a gateway and the
 * cloudflared pointed at it). Turns runtime events into share transitions (share-state.ts),
 * announces each change, and stops shares whose time is up. A new share is not announced as an
 * event: share() returns it, and whoever asked tells its client (the session sends it with the
 * reply), so nothing about a share can reach a client before the share itself.
 */

import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { hostError, PortholeError } from '../errors.js';
import {
  checkLoopbackOrigin,
  type HostError,
  type LoopbackOrigin,
  type Share,
  type ShareEvent,
  type ShareSettings,
  type ShareTraffic,
  type StopReason,
  shareKeyOf,
} from '../protocol/index.js';
import { type AppliedSettings, createShare, DEFAULT_SETTINGS, nextShare, type ShareInput, settingsOf } from './share-transitions.js';

/** What the manager needs of a running share; share/runtime.ts is the real one. */
export interface ShareRuntime {
  on(event: 'url', listener: (url: string) => void): unknown;
  /** `verified`: the public address answered Porthole's check; false when Porthole stopped waiting for it. */
  on(event: 'live', listener: (verified: boolean) => void): unknown;
  /** A share that went live unverified answered the check after all. */
  on(event: 'verified', listener: () => void): unknown;
  on(event: 'origin', listener: (reachable: boolean) => void): unknown;
  on(event: 'traffic', listener: (traffic: ShareTraffic) => void): unknown;
  /** It ended; `failure` says why, had nobody asked it to. */
  on(event: 'exit', listener: (failure: HostError) => void): unknown;
  configure(settings: AppliedSettings): void;
  stop(): Promise<unknown>;
  killNow(): void;
}

export interface ShareManagerDeps {
  startShare(origin: LoopbackOrigin, settings: AppliedSettings): ShareRuntime;
  now?: () => number;
  newId?: () => string;
  /** Each share is a cloudflared process and a public address; a runaway caller must not make hundreds. */
  maxShares?: number;
  /** Runs `task` after `ms`; returns a cancel function. Tests pass a fake clock. */
  setTimer?: (ms: number, task: () => void) => () => void;
}

interface Entry {
  /** shareKeyOf(share.origin): the local server this share serves. */
  key: string;
  share: Share;
  runtime: ShareRuntime;
  ended: Promise<void>;
  cancelExpiry: (() => void) | null;
  /**
   * Why this manager asked the share to stop; null while nobody has. The one place that tells a
   * stop from a failure: a share that ends after being asked to is `stopped`, any other ends `failed`.
   */
  stopReason: StopReason | null;
}

export const DEFAULT_MAX_SHARES = 32;

function realTimer(ms: number, task: () => void): () => void {
  // setTimeout's limit is 2^31-1 ms (24.8 days); expiries are at most a week.
  const timer = setTimeout(task, Math.max(0, ms));
  timer.unref();
  return () => clearTimeout(timer);
}

export class ShareManager extends EventEmitter<{ event: [ShareEvent] }> {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly maxShares: number;
  private readonly setTimer: (ms: number, task: () => void) => () => void;

  constructor(private readonly deps: ShareManagerDeps) {
    super();
    this.now = deps.now ?? Date.now;
    this.newId = deps.newId ?? (() => randomUUID());
    this.maxShares = deps.maxShares ?? DEFAULT_MAX_SHARES;
    this.setTimer = deps.setTimer ?? realTimer;
  }

  /** Starts sharing an origin, or returns the share that already serves its server (`requested` is then ignored). */
  share(input: string, requested: ShareSettings = {}): { share: Share; existing: boolean } {
    const checked = checkLoopbackOrigin(input);
    if (!checked.ok) throw new PortholeError(checked.code, checked.message);
    const origin = checked.value;
    const key = shareKeyOf(origin.origin) ?? origin.origin;
    const running = [...this.entries.values()].find((entry) => entry.key === key);
    if (running !== undefined) return { share: running.share, existing: true };
    if (this.entries.size >= this.maxShares) {
      throw new PortholeError(
        'bad-request',
        `Porthole runs at most ${this.maxShares} shares at once. Stop one you no longer need, then share again.`,
      );
    }

    const settings = this.applySettings(DEFAULT_SETTINGS, requested);
    const runtime = this.deps.startShare(origin, settings);
    const id = this.newId();
    let resolveEnded!: () => void;
    const entry: Entry = {
      key,
      share: createShare(id, origin.origin, this.now(), settings),
      runtime,
      ended: new Promise((resolve) => (resolveEnded = resolve)),
      cancelExpiry: null,
      stopReason: null,
    };
    this.entries.set(id, entry);
    this.scheduleExpiry(entry);

    const unreachable = hostError(
      'origin-unreachable',
      `Nothing answers at ${origin.origin} on this computer, so visitors see a "not running" page. Start your local server: the share picks it up by itself.`,
    );
    runtime.on('url', (url) => this.apply(entry, { kind: 'url', url }));
    runtime.on('live', (verified) => this.apply(entry, { kind: 'live', verified }));
    runtime.on('verified', () => this.apply(entry, { kind: 'verified' }));
    runtime.on('origin', (reachable) => this.apply(entry, { kind: 'origin', reachable, warning: unreachable }));
    runtime.on('traffic', (traffic) => this.apply(entry, { kind: 'traffic', traffic }));
    runtime.on('exit', (failure) => {
      entry.cancelExpiry?.();
      const at = this.now();
      this.apply(
        entry,
        entry.stopReason !== null ? { kind: 'stopped', at, reason: entry.stopReason } : { kind: 'failed', error: failure, at },
      );
      this.entries.delete(id);
      resolveEnded();
    });
    return { share: entry.share, existing: false };
  }

  /** Changes a running share's password, expiry or Host handling; the gateway applies it to the next request. */
  configure(shareId: string, requested: ShareSettings): Share {
    const entry = this.running(shareId);
    const settings = this.applySettings(settingsOf(entry.share), requested);
    entry.runtime.configure(settings);
    this.apply(entry, { kind: 'configured', settings });
    this.scheduleExpiry(entry);
    return entry.share;
  }

  async stop(shareId: string): Promise<Share> {
    const entry = this.running(shareId);
    await this.stopEntry(entry, 'request');
    return entry.share;
  }

  async stopAll(): Promise<Share[]> {
    const entries = [...this.entries.values()];
    await Promise.all(entries.map((entry) => this.stopEntry(entry, 'request')));
    return entries.map((entry) => entry.share);
  }

  /** Last resort when the host is exiting and cannot wait for a graceful stop. */
  killAllNow(): void {
    for (const entry of this.entries.values()) {
      entry.stopReason ??= 'request';
      entry.runtime.killNow();
    }
  }

  /** Shares that are starting or live. */
  list(): Share[] {
    return [...this.entries.values()].map((entry) => entry.share);
  }

  private async stopEntry(entry: Entry, reason: StopReason): Promise<void> {
    entry.stopReason ??= reason;
    await entry.runtime.stop();
    await entry.ended;
  }

  private running(shareId: string): Entry {
    const entry = this.entries.get(shareId);
    if (entry === undefined) {
      throw new PortholeError(
        'bad-request',
        'That share is not running any more (it was stopped, or it failed). Refresh the list of shares.',
      );
    }
    return entry;
  }

  /** The settings after a request: an absent field is left as it is, null removes it, expiry counts from now. */
  private applySettings(settings: AppliedSettings, requested: ShareSettings): AppliedSettings {
    const next = { ...settings };
    if (requested.password !== undefined) next.password = requested.password;
    if (requested.keepPublicHost !== undefined) next.keepPublicHost = requested.keepPublicHost;
    if (requested.expiresInMinutes !== undefined) {
      next.expiresAt = requested.expiresInMinutes === null ? null : this.now() + Math.round(requested.expiresInMinutes * 60_000);
    }
    return next;
  }

  private scheduleExpiry(entry: Entry): void {
    entry.cancelExpiry?.();
    entry.cancelExpiry = null;
    const { expiresAt } = entry.share;
    if (expiresAt === null) return;
    entry.cancelExpiry = this.setTimer(expiresAt - this.now(), () => {
      entry.cancelExpiry = null;
      if (this.entries.has(entry.share.id)) void this.stopEntry(entry, 'expired');
    });
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
