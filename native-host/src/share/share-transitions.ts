/**
 * The share state machine: starting → (url known) → live → stopped | failed, and what can change
 * while a share runs (its warnings, settings and traffic).
 * Pure: a share and an input in, the next share and what changed out (or null when the input
 * does not apply, e.g. anything after the share has ended, or nothing actually changed).
 */
import { hostError } from '../errors.js';
import type { HostError, Share, ShareChange, ShareTraffic, StopReason } from '../protocol/index.js';

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
  | { kind: 'stopped'; at: number; reason: StopReason }
  | { kind: 'failed'; error: HostError; at: number };

export interface ShareTransition {
  share: Share;
  change: ShareChange;
}

export function createShare(id: string, origin: string, now: number, settings: AppliedSettings = DEFAULT_SETTINGS): Share {
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
      return { share: { ...share, url: input.url }, change: 'url' };
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
