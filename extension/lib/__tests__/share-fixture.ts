import type { Share } from '../protocol';

/** A live share as the host sends it, every field present, with `patch` over it. */
export function share(patch: Partial<Share> = {}): Share {
  return {
    id: 's1',
    origin: 'http://localhost:3000',
    state: 'live',
    url: 'https://a.trycloudflare.com',
    startedAt: 100,
    endedAt: null,
    error: null,
    password: null,
    expiresAt: null,
    keepPublicHost: false,
    warnings: [],
    traffic: { requests: 0, visitors: 0, recent: [] },
    stopReason: null,
    restarts: 0,
    kind: 'server',
    folder: null,
    ...patch,
  };
}
