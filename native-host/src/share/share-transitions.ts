/**
 * The share state machine: starting → (url known) → live → stopped | failed, and what can change
 * while a share runs (its warnings, settings and traffic).
 * Pure: a share and an input in, the next share and what changed out (or null when the input
 * does not apply, e.g. anything after the share has ended, or nothing actually changed).
 */
import { hostError } from '../errors.js';
import type { HostError, Share, ShareChange, ShareKind, ShareTraffic, StopReason } from '../protocol/index.js';

/** The settings a share runs with: a request's ShareSettings after defaults and expiry are applied. */
export type AppliedSettings = Pick<Share, 'password' | 'expiresAt' | 'keepPublicHost'>;

export const DEFAULT_SETTINGS: AppliedSettings = { password: null, expiresAt: null, keepPublicHost: false };

export const EMPTY_TRAFFIC: ShareTraffic = { requests: 0, visitors: 0, recent: [] };

export type ShareInput =
  | { kind: 'url'; url: string }
  /** The public address works (`verified`), or Porthole stopped waiting for it to (`unverified` warning). */
  | { kind: 'live'; verified: boolean }
  | { kind: 'verified' }
  | { kind: 'origin'; reachable: boolean; warning: HostError }
  | { kind: 'configured'; settings: AppliedSettings }
  | { kind: 'traffic'; traffic: ShareTraffic }
  /** cloudflared ended on its own and the host starts it again (decided by tunnelEndVerdict). */
  | { kind: 'restarting' }
  | { kind: 'stopped'; at: number; reason: StopReason }
  | { kind: 'failed'; error: HostError; at: number };

export interface ShareTransition {
  share: Share;
  change: ShareChange;
}

/** What a share serves; a local server unless a folder share says otherwise. `label`: what was dropped, for a `files` share. */
export type ShareSource = { kind: ShareKind; folder: string | null; label?: string | null };
export const SERVER_SOURCE: ShareSource = { kind: 'server', folder: null };

export function createShare(
  id: string,
  origin: string,
  now: number,
  settings: AppliedSettings = DEFAULT_SETTINGS,
  source: ShareSource = SERVER_SOURCE,
): Share {
  return {
    id,
    origin,
    state: 'starting',
    url: null,
    startedAt: now,
    endedAt: null,
    error: null,
    ...settings,
    warnings: [],
    traffic: EMPTY_TRAFFIC,
    stopReason: null,
    restarts: 0,
    kind: source.kind,
    folder: source.folder,
    label: source.label ?? null,
  };
}

export function hasEnded(share: Share): boolean {
  return share.state === 'stopped' || share.state === 'failed';
}

export function settingsOf(share: Share): AppliedSettings {
  return { password: share.password, expiresAt: share.expiresAt, keepPublicHost: share.keepPublicHost };
}

function hasWarning(share: Share, code: HostError['code']): boolean {
  return share.warnings.some((warning) => warning.code === code);
}

function withoutWarning(share: Share, code: HostError['code']): HostError[] {
  return share.warnings.filter((warning) => warning.code !== code);
}

export function nextShare(share: Share, input: ShareInput): ShareTransition | null {
  if (hasEnded(share)) return null;
  switch (input.kind) {
    case 'url':
      if (share.url !== null) return null;
      // After a restart the new address is news of its own: the one the user copied no longer works.
      return { share: { ...share, url: input.url }, change: share.restarts > 0 ? 'restarted' : 'url' };
    case 'restarting':
      // The new tunnel is checked again before it is called live, so an old `unverified` says nothing.
      return {
        share: { ...share, state: 'starting', url: null, restarts: share.restarts + 1, warnings: withoutWarning(share, 'unverified') },
        change: 'restarting',
      };
    case 'live': {
      // A registered connection without a known address would be a share nobody can visit.
      if (share.state === 'live' || share.url === null) return null;
      const warnings = input.verified ? share.warnings : [...withoutWarning(share, 'unverified'), hostError('unverified')];
      return { share: { ...share, state: 'live', warnings }, change: 'live' };
    }
    case 'verified':
      if (share.state !== 'live' || !hasWarning(share, 'unverified')) return null;
      return { share: { ...share, warnings: withoutWarning(share, 'unverified') }, change: 'verified' };
    case 'origin':
      if (input.reachable) {
        if (!hasWarning(share, 'origin-unreachable')) return null;
        return { share: { ...share, warnings: withoutWarning(share, 'origin-unreachable') }, change: 'origin-reachable' };
      }
      if (hasWarning(share, 'origin-unreachable')) return null;
      return { share: { ...share, warnings: [...share.warnings, input.warning] }, change: 'origin-unreachable' };
    case 'configured': {
      const before = settingsOf(share);
      const after = input.settings;
      if (before.password === after.password && before.expiresAt === after.expiresAt && before.keepPublicHost === after.keepPublicHost)
        return null;
      return { share: { ...share, ...after }, change: 'configured' };
    }
    case 'traffic':
      return { share: { ...share, traffic: input.traffic }, change: 'traffic' };
    case 'stopped':
      return { share: { ...share, state: 'stopped', endedAt: input.at, stopReason: input.reason }, change: 'stopped' };
    case 'failed':
      return { share: { ...share, state: 'failed', endedAt: input.at, error: input.error }, change: 'failed' };
  }
}

/** Backoff between restarts of a share whose cloudflared ended on its own: the n-th restart in the window waits the n-th delay. */
export const RESTART_DELAYS_MS: readonly number[] = [1000, 2000, 4000];
/** At most RESTART_DELAYS_MS.length restarts within this window; past that the share fails. */
export const RESTART_WINDOW_MS = 5 * 60_000;

export type TunnelEndVerdict = { kind: 'stopped'; reason: StopReason } | { kind: 'failed' } | { kind: 'restart'; delayMs: number };

/**
 * What a share becomes when its cloudflared ends: the one place that tells a stop from a failure
 * from a restart. Asked to stop (a request, the browser closing, the expiry): `stopped`, whatever
 * the exit looked like. Ended on its own while live, or while coming back from such a restart:
 * restarted with backoff, at most RESTART_DELAYS_MS.length times within RESTART_WINDOW_MS.
 * Anything else (a share that never went live: rate limited, offline, …) is `failed` at once, with
 * cloudflared's own reason, since trying again would only wait for the same answer.
 */
export function tunnelEndVerdict(
  share: Share,
  stopReason: StopReason | null,
  restartTimes: readonly number[],
  now: number,
  canRestart: boolean,
): TunnelEndVerdict {
  if (stopReason !== null) return { kind: 'stopped', reason: stopReason };
  const wasServing = share.state === 'live' || (share.restarts > 0 && share.state === 'starting');
  if (!canRestart || !wasServing) return { kind: 'failed' };
  const recent = restartTimes.filter((at) => now - at < RESTART_WINDOW_MS).length;
  const delayMs = RESTART_DELAYS_MS[recent];
  return delayMs === undefined ? { kind: 'failed' } : { kind: 'restart', delayMs };
}
