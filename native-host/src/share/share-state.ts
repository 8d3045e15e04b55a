/**
 * The share state machine: starting → (url known) → live → stopped | failed.
 * Pure: a share and an input in, the next share and what changed out (or null when the input
 * does not apply, e.g. anything after the share has ended).
 */
import type { HostError, Share, ShareChange } from '../protocol/index.js';

export type ShareInput =
  | { kind: 'url'; url: string }
  | { kind: 'live' }
  | { kind: 'stopped'; at: number }
  | { kind: 'failed'; error: HostError; at: number };

export interface ShareTransition {
  share: Share;
  change: ShareChange;
}

export function createShare(id: string, origin: string, now: number): Share {
  return { id, origin, state: 'starting', url: null, startedAt: now, endedAt: null, error: null };
}

export function hasEnded(share: Share): boolean {
  return share.state === 'stopped' || share.state === 'failed';
}

export function nextShare(share: Share, input: ShareInput): ShareTransition | null {
  if (hasEnded(share)) return null;
  switch (input.kind) {
    case 'url':
      if (share.url !== null) return null;
      return { share: { ...share, url: input.url }, change: 'url' };
    case 'live':
      // A registered connection without a known address would be a share nobody can visit.
      if (share.state === 'live' || share.url === null) return null;
      return { share: { ...share, state: 'live' }, change: 'live' };
    case 'stopped':
      return { share: { ...share, state: 'stopped', endedAt: input.at }, change: 'stopped' };
    case 'failed':
      return { share: { ...share, state: 'failed', endedAt: input.at, error: input.error }, change: 'failed' };
  }
}
