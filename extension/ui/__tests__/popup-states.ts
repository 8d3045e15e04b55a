import { INITIAL_STATE, type PortholeState, type TrackedShare } from '../../lib/porthole-state';
import { type HelloResult, HOST_FEATURES, HOST_NAME, PROTOCOL_VERSION, type RequestRecord, type Share } from '../../lib/protocol';

/**
 * The popup's states as plain data, like a storybook: tests render each, and so could a screenshot
 * script. `NOW` is the clock the views are rendered at.
 */
export const NOW = 1_700_000_600_000;
export const ORIGIN = 'http://localhost:5173';

export const PUBLIC_URL = 'https://violet-owl-lamp.trycloudflare.com';

/** A share as the host sends it: every field of the gateway's protocol, at its default. */
export function share(patch: Partial<Share> = {}): Share {
  return {
    id: 's1',
    origin: ORIGIN,
    state: 'starting',
    url: null,
    startedAt: NOW - 5_000,
    endedAt: null,
    error: null,
    password: null,
    expiresAt: null,
    keepPublicHost: false,
    warnings: [],
    traffic: { requests: 0, visitors: 0, recent: [] },
    stopReason: null,
    restarts: 0,
    ...patch,
  };
}

/** The last requests a visitor's browser made, newest first, as the host reports them. */
/** A request as the gateway records it; the visitor, country and headers default to a visitor from Germany. */
export function request(
  method: string,
  path: string,
  status: number,
  at: number,
  ms: number,
  patch: Partial<RequestRecord> = {},
): RequestRecord {
  return {
    method,
    path,
    status,
    at,
    ms,
    country: 'DE',
    visitor: 'v3f9a',
    requestHeaders: [
      ['host', 'violet-owl-lamp.trycloudflare.com'],
      ['user-agent', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1'],
      ['accept', 'text/html,application/xhtml+xml'],
      ['cookie', '…'],
      ['cf-ipcountry', patch.country === undefined ? 'DE' : (patch.country ?? 'XX')],
    ],
    responseHeaders: [
      ['content-type', 'text/html; charset=utf-8'],
      ['cache-control', 'no-cache'],
      ['set-cookie', '…'],
    ],
    ...patch,
  };
}

/** The last requests visitors' browsers made, newest first, as the host reports them. */
export const RECENT: RequestRecord[] = [
  request('GET', '/favicon.ico', 404, NOW - 2_000, 3, { country: 'JP', visitor: 'v81c2' }),
  request('GET', '/src/components/very/deeply/nested/PricingTableWithAnnualToggle.tsx?…', 200, NOW - 2_400, 41),
  request('GET', '/@vite/client', 200, NOW - 2_600, 12),
  request('GET', '/', 200, NOW - 3_000, 18),
  request('GET', '/', 401, NOW - 9_000, 1, { country: null, visitor: 'v0b7e' }),
  request('GET', '/@vite/hmr', 101, NOW - 9_500, 2),
  request('POST', '/api/login', 0, NOW - 12_000, 30_000),
];

export const ORIGIN_DOWN =
  'Nothing answers at http://localhost:5173 on this computer, so visitors see a "not running" page. Start your local server: the share picks it up by itself.';

export function tracked(patch: Partial<Share> = {}, extra: Partial<TrackedShare> = {}): TrackedShare {
  return { share: share(patch), tabId: 1, whenUrlKnown: null, copiedAt: null, ...extra };
}

/** The host's answer to hello, as a current host with cloudflared gives it. */
export function hello(patch: Partial<HelloResult> = {}): HelloResult {
  return {
    type: 'hello',
    name: HOST_NAME,
    version: '1.4.0',
    protocol: PROTOCOL_VERSION,
    oldestProtocol: 1,
    platform: 'linux',
    arch: 'x64',
    cloudflared: { path: '/usr/lib/porthole/cloudflared', source: 'bundled', version: '2024.6.1' },
    cloudflaredError: null,
    features: [...HOST_FEATURES],
    ...patch,
  };
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
  /** A host from before protocol 2: it would share without the password. */
  hostTooOld: { ...stateWith(), hello: hello({ version: '0.9.0', protocol: 1, oldestProtocol: undefined, features: undefined }) },
  /** A host that no longer reads this extension's protocol. */
  hostTooNew: { ...stateWith(), hello: hello({ version: '3.0.0', protocol: PROTOCOL_VERSION + 2, oldestProtocol: PROTOCOL_VERSION + 1 }) },
  /** A host without cloudflared, in its own words. */
  noCloudflared: {
    ...stateWith(),
    hello: hello({
      cloudflared: null,
      cloudflaredError: {
        code: 'cloudflared-missing',
        message: 'cloudflared was not found. Reinstall Porthole, which bundles it, or set PORTHOLE_CLOUDFLARED.',
      },
    }),
  },
  /** A newer host that still reads this extension's protocol: nothing to warn about. */
  hostNewerCompatible: {
    ...stateWith(),
    hello: hello({ version: '2.5.0', protocol: PROTOCOL_VERSION + 1, oldestProtocol: PROTOCOL_VERSION }),
  },
  /** On another page: one share live, another that ended on its own. */
  endedElsewhere: stateWith(
    tracked({
      id: 'a',
      origin: 'http://localhost:3000',
      state: 'live',
      url: 'https://first-one.trycloudflare.com',
      startedAt: NOW - 3 * 60_000,
    }),
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
  /** Live with visitors: the counters and the last requests, long paths cut. */
  liveTraffic: stateWith(
    tracked({ state: 'live', url: PUBLIC_URL, startedAt: NOW - 4 * 60_000, traffic: { requests: 14, visitors: 2, recent: RECENT } }),
  ),
  /** Live, protected by a password and stopping by itself in 14 min 32 s. */
  livePasswordExpiry: stateWith(
    tracked({
      state: 'live',
      url: PUBLIC_URL,
      password: 'correct-horse',
      expiresAt: NOW + 14 * 60_000 + 32_000,
      traffic: { requests: 3, visitors: 1, recent: RECENT.slice(2, 5) },
    }),
  ),
  /** Live, but the local server stopped: the host's sentence, and the share stays up. */
  liveOriginDown: stateWith(
    tracked({
      state: 'live',
      url: PUBLIC_URL,
      warnings: [{ code: 'origin-unreachable', message: ORIGIN_DOWN }],
      traffic: { requests: 1, visitors: 1, recent: [request('GET', '/', 502, NOW - 1000, 2)] },
    }),
  ),
  /** A password the host refused (it says why), on a live share. */
  configureRefused: {
    ...stateWith(tracked({ state: 'live', url: PUBLIC_URL })),
    lastError: {
      message:
        'The configure field "password" must be a string of 1 to 256 characters without control characters, or null for no password.',
      origin: ORIGIN,
      at: NOW,
    },
  },
  /** The share's time was up: the host stopped it, and the page can be shared again. */
  expired: {
    ...stateWith(),
    lastError: {
      message: `Sharing ${ORIGIN} stopped by itself: its time was up. Share again to get a new address.`,
      origin: ORIGIN,
      at: NOW - 1000,
      expired: true,
    },
  },
  otherShares: stateWith(
    tracked({
      id: 'a',
      origin: 'http://localhost:3000',
      state: 'live',
      url: 'https://first-one.trycloudflare.com',
      startedAt: NOW - 3 * 60_000,
      password: 'pw',
      expiresAt: NOW + 45 * 60_000,
      traffic: { requests: 9, visitors: 1, recent: [] },
    }),
    tracked({ id: 'b', origin: 'http://127.0.0.1:8080', state: 'starting', url: null, startedAt: NOW - 4_000 }),
  ),
  /** 14 s on the way and still no address: the popup says what it is waiting for. */
  takingLonger: stateWith(tracked({ startedAt: NOW - 14_000 })),
  /** cloudflared gave no address in 45 s: a timeout, not an error answer. */
  timedOut: stateWith(
    tracked({
      state: 'failed',
      endedAt: NOW - 1000,
      error: {
        code: 'tunnel-service-error',
        message: 'trycloudflare.com answered with an error instead of a tunnel. The service may be having trouble: try again in a minute.',
        detail: 'no address from trycloudflare.com after 45 s',
      },
    }),
  ),
  /** cloudflared died and the host restarted it: a new address, news rather than a failure. */
  restarted: {
    ...stateWith(tracked({ state: 'live', url: 'https://fresh-new-name.trycloudflare.com', restarts: 1 }, { copiedAt: NOW - 500 })),
    lastError: {
      message: 'The address changed: cloudflared restarted. The old link no longer works: use the new one, already copied.',
      origin: ORIGIN,
      at: NOW - 500,
      restarted: true,
    },
  },
  /** This tab's share and three more: the list is bounded and scrolls. */
  manyShares: stateWith(
    tracked({ id: 'here', state: 'live', url: PUBLIC_URL, startedAt: NOW - 60_000 }),
    tracked({
      id: 'a',
      origin: 'http://localhost:3000',
      state: 'live',
      url: 'https://first-one.trycloudflare.com',
      startedAt: NOW - 3 * 60_000,
    }),
    tracked({
      id: 'b',
      origin: 'http://localhost:8080',
      state: 'live',
      url: 'https://second-one.trycloudflare.com',
      startedAt: NOW - 2 * 60_000,
    }),
    tracked({
      id: 'c',
      origin: 'http://localhost:4321',
      state: 'live',
      url: 'https://third-one.trycloudflare.com',
      startedAt: NOW - 30_000,
    }),
  ),
} satisfies Record<string, PortholeState>;
