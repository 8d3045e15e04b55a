/**
 * Owns every share of this host: one per local server (shareKeyOf), each backed by one runtime (a gateway and the
 * cloudflared pointed at it). Turns runtime events into share transitions (share-state.ts),
 * announces each change, and stops shares whose time is up. A new share is not announced as an
 * event: share() returns it, and whoever asked tells its client (the session sends it with the
 * reply), so nothing about a share can reach a client before the share itself.
 */

import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { StablePlan } from '../account/account-manager.js';
import { hostError, PortholeError } from '../errors.js';
import {
  type AddressChoice,
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
import {
  type AppliedSettings,
  createShare,
  DEFAULT_SETTINGS,
  nextShare,
  SERVER_SOURCE,
  type ShareInput,
  type ShareSource,
  settingsOf,
  tunnelEndVerdict,
} from './share-transitions.js';

/** What the manager needs of a running share; share/runtime.ts is the real one. */
export interface ShareRuntime {
  on(event: 'url', listener: (url: string) => void): unknown;
  /** `verified`: the public address answered Porthole's check; false when Porthole stopped waiting for it. */
  on(event: 'live', listener: (verified: boolean) => void): unknown;
  /** A share that went live unverified answered the check after all. */
  on(event: 'verified', listener: () => void): unknown;
  on(event: 'origin', listener: (reachable: boolean) => void): unknown;
  on(event: 'traffic', listener: (traffic: ShareTraffic) => void): unknown;
  /** Its cloudflared ended; `failure` says why, had nobody asked it to. */
  on(event: 'exit', listener: (failure: HostError) => void): unknown;
  /**
   * Starts a new cloudflared for the same gateway after one ended on its own (it reports url, live
   * and exit again). A runtime without it cannot come back: its share fails.
   */
  restart?(): void;
  /** The share is over (stopped or failed): let go of what outlived the tunnel (the gateway). */
  release?(): void;
  configure(settings: AppliedSettings): void;
  stop(): Promise<unknown>;
  killNow(): void;
}

export interface ShareManagerDeps {
  /** `stable`: the share gets its address from the connected Cloudflare account (issue 14), planned by planStable. */
  startShare(origin: LoopbackOrigin, settings: AppliedSettings, stable?: StablePlan): ShareRuntime;
  /**
   * Checks that a stable address can be had now and names it (throws `not-logged-in`,
   * `name-invalid`, …); absent: this manager shares on quick addresses only.
   */
  planStable?(key: string, origin: string, name?: string): StablePlan;
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
  /** When each restart of this share's cloudflared was decided (tunnelEndVerdict counts them). */
  restartTimes: number[];
  /** Cancels the restart waiting for its backoff; null when none waits. */
  cancelRestart: (() => void) | null;
  /** Ends the entry: announces `stopped` or `failed` and forgets it. */
  end: (failure: HostError) => void;
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
  share(
    input: string,
    requested: ShareSettings = {},
    source: ShareSource = SERVER_SOURCE,
    address: AddressChoice = { kind: 'quick' },
  ): { share: Share; existing: boolean } {
    const checked = checkLoopbackOrigin(input);
    if (!checked.ok) throw new PortholeError(checked.code, checked.message);
    const origin = checked.value;
    // A folder share's origin is its own static server; the folder is what must not be shared twice.
    const key = source.folder !== null ? `folder:${source.folder}` : (shareKeyOf(origin.origin) ?? origin.origin);
    const running = [...this.entries.values()].find((entry) => entry.key === key);
    if (running !== undefined) return { share: running.share, existing: true };
    if (this.entries.size >= this.maxShares) {
      throw new PortholeError(
        'bad-request',
        `Porthole runs at most ${this.maxShares} shares at once. Stop one you no longer need, then share again.`,
      );
    }

    const settings = this.applySettings(DEFAULT_SETTINGS, requested);
    let stable: StablePlan | undefined;
    if (address.kind === 'stable') {
      if (this.deps.planStable === undefined) throw new PortholeError('bad-request', 'This host shares on quick addresses only.');
      stable = this.deps.planStable(key, origin.origin, address.name);
    }
    const runtime = this.deps.startShare(origin, settings, stable);
    const id = this.newId();
    let resolveEnded!: () => void;
    const entry: Entry = {
      key,
      share: {
        ...createShare(id, origin.origin, this.now(), settings, source),
        address: address.kind,
        hostname: stable?.hostname ?? null,
      },
      runtime,
      ended: new Promise((resolve) => (resolveEnded = resolve)),
      cancelExpiry: null,
      stopReason: null,
      restartTimes: [],
      cancelRestart: null,
      end: (failure) => {
        entry.cancelExpiry?.();
        entry.cancelRestart?.();
        entry.cancelRestart = null;
        const at = this.now();
        this.apply(
          entry,
          entry.stopReason !== null ? { kind: 'stopped', at, reason: entry.stopReason } : { kind: 'failed', error: failure, at },
        );
        this.entries.delete(id);
        entry.runtime.release?.();
        resolveEnded();
      },
    };
    this.entries.set(id, entry);
    this.scheduleExpiry(entry);

    const unreachable = hostError(
      'origin-unreachable',
      `Nothing answers at ${origin.origin} on this computer, so visitors see a "not running" page. Start your local server: the share picks it up by itself.`,
    );
    runtime.on('url', (url) => {
      // A stable share whose zone was not known yet learns its hostname from the route cloudflared added.
      if (entry.share.address === 'stable' && entry.share.hostname === null)
        entry.share = { ...entry.share, hostname: new URL(url).hostname };
      this.apply(entry, { kind: 'url', url });
    });
    runtime.on('live', (verified) => this.apply(entry, { kind: 'live', verified }));
    runtime.on('verified', () => this.apply(entry, { kind: 'verified' }));
    runtime.on('origin', (reachable) => this.apply(entry, { kind: 'origin', reachable, warning: unreachable }));
    runtime.on('traffic', (traffic) => this.apply(entry, { kind: 'traffic', traffic }));
    runtime.on('exit', (failure) => this.onTunnelEnd(entry, failure));
    return { share: entry.share, existing: false };
  }

  /** Stopped, failed or restarted: tunnelEndVerdict decides, here is only what follows from it. */
  private onTunnelEnd(entry: Entry, failure: HostError): void {
    if (!this.entries.has(entry.share.id)) return;
    const now = this.now();
    const verdict = tunnelEndVerdict(entry.share, entry.stopReason, entry.restartTimes, now, entry.runtime.restart !== undefined);
    if (verdict.kind !== 'restart') {
      entry.end(failure);
      return;
    }
    entry.restartTimes.push(now);
    this.apply(entry, { kind: 'restarting' });
    entry.cancelRestart = this.setTimer(verdict.delayMs, () => {
      entry.cancelRestart = null;
      if (entry.stopReason === null && this.entries.has(entry.share.id)) entry.runtime.restart?.();
    });
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
      entry.cancelRestart?.();
      entry.cancelRestart = null;
      entry.runtime.killNow();
    }
  }

  /** Shares that are starting or live. */
  list(): Share[] {
    return [...this.entries.values()].map((entry) => entry.share);
  }

  private async stopEntry(entry: Entry, reason: StopReason): Promise<void> {
    entry.stopReason ??= reason;
    if (entry.cancelRestart !== null) {
      // Between two cloudflareds: nothing runs that could report its end.
      entry.end(hostError('tunnel-exited'));
      return;
    }
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
