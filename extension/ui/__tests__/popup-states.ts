import type { Share } from '../../lib/protocol';
import { INITIAL_STATE, type PortholeState, type TrackedShare } from '../../lib/share-state';

/**
 * The popup's states as plain data, like a storybook: tests render each, and so could a screenshot
 * script. `NOW` is the clock the views are rendered at.
 */
export const NOW = 1_700_000_600_000;
export const ORIGIN = 'http://localhost:5173';

export function share(patch: Partial<Share> = {}): Share {
  return { id: 's1', origin: ORIGIN, state: 'starting', url: null, startedAt: NOW - 5_000, endedAt: null, error: null, ...patch };
}

export function tracked(patch: Partial<Share> = {}, extra: Partial<TrackedShare> = {}): TrackedShare {
  return { share: share(patch), tabId: 1, whenUrlKnown: null, copiedAt: null, ...extra };
}

export function stateWith(...shares: TrackedShare[]): PortholeState {
  return { ...INITIAL_STATE, host: { status: 'connected' }, shares: Object.fromEntries(shares.map((entry) => [entry.share.id, entry])) };
}

export const STATES = {
  notShared: stateWith(),
  startingCloudflared: { ...stateWith(), pending: { [ORIGIN]: { origin: ORIGIN, tabId: 1, since: NOW - 300 } } },
  gettingAddress: stateWith(tracked()),
  urlKnown: stateWith(tracked({ url: 'https://violet-owl-lamp.trycloudflare.com' })),
  live: stateWith(tracked({ state: 'live', url: 'https://violet-owl-lamp.trycloudflare.com' })),
  liveAutoCopied: stateWith(tracked({ state: 'live', url: 'https://violet-owl-lamp.trycloudflare.com' }, { copiedAt: NOW - 1000 })),
  failed: stateWith(
    tracked({
      state: 'failed',
      endedAt: NOW - 1000,
      error: {
        code: 'rate-limited',
        message: 'Cloudflare is limiting quick tunnels from this network right now. Wait a few minutes, then share again.',
        detail: 'failed to request quick Tunnel: 429 Too Many Requests',
      },
    }),
  ),
  /** cloudflared died on its own after the share was live: the address it had is gone for good. */
  diedAfterLive: stateWith(
    tracked({
      state: 'failed',
      url: 'https://violet-owl-lamp.trycloudflare.com',
      endedAt: NOW - 2000,
      error: {
        code: 'tunnel-exited',
        message: 'cloudflared stopped unexpectedly. Share again to get a new public address.',
        detail: 'Connection terminated error="connection with edge closed"',
      },
    }),
  ),
  hostMissing: { ...INITIAL_STATE, host: { status: 'missing', reason: 'Specified native messaging host not found.' } },
  hostStopped: { ...INITIAL_STATE, host: { status: 'unreachable', reason: 'Native host has exited.' } },
  /** On another page: one share live, another that ended on its own. */
  endedElsewhere: stateWith(
    tracked({ id: 'a', origin: 'http://localhost:3000', state: 'live', url: 'https://first-one.trycloudflare.com', startedAt: NOW - 3 * 60_000 }),
    tracked({
      id: 'b',
      origin: 'http://localhost:8080',
      state: 'failed',
      url: 'https://gone-away.trycloudflare.com',
      startedAt: NOW - 10 * 60_000,
      endedAt: NOW - 60_000,
      error: { code: 'tunnel-exited', message: 'cloudflared stopped unexpectedly. Share again to get a new public address.' },
    }),
  ),
  otherShares: stateWith(
    tracked({ id: 'a', origin: 'http://localhost:3000', state: 'live', url: 'https://first-one.trycloudflare.com', startedAt: NOW - 3 * 60_000 }),
    tracked({ id: 'b', origin: 'http://127.0.0.1:8080', state: 'starting', url: null, startedAt: NOW - 4_000 }),
  ),
} satisfies Record<string, PortholeState>;
