/**
 * How the host checks a share's public address before calling it live, and for how long. Pure:
 * read from the environment once, so that tests can aim the check at the fake cloudflared's edge
 * on loopback instead of the internet.
 *
 * - PORTHOLE_PROBE=off: no check; a share is live when cloudflared registers a connection.
 * - PORTHOLE_PROBE_ADDRESS=HOST:PORT: connect there instead of resolving the public name.
 * - PORTHOLE_PROBE_PROTOCOL=http|https (default https).
 * - PORTHOLE_PROBE_RESOLVER=IP[:PORT][,…]: DNS servers to resolve the public name with (default
 *   1.1.1.1 and 1.0.0.1, Cloudflare's own: they know a new trycloudflare.com name first).
 * - PORTHOLE_PROBE_WAIT_MS: how long to wait for the address to answer before going live
 *   unverified (default 10000).
 */

export interface ProbeConfig {
  enabled: boolean;
  address: { host: string; port: number } | null;
  protocol: 'http' | 'https';
  resolvers: string[];
  /** From registration to giving up waiting: the share then goes live with an `unverified` warning. */
  waitMs: number;
  /** After going live unverified, how long to go on checking so that the warning can be lifted. */
  backgroundMs: number;
  /** How often to check in that time. */
  backgroundEveryMs: number;
  /** Each attempt's own limit. */
  attemptTimeoutMs: number;
}

const DEFAULT_RESOLVERS = ['1.1.1.1', '1.0.0.1'];

export const DEFAULT_PROBE: ProbeConfig = {
  enabled: true,
  address: null,
  protocol: 'https',
  resolvers: DEFAULT_RESOLVERS,
  waitMs: 10_000,
  backgroundMs: 120_000,
  backgroundEveryMs: 5000,
  attemptTimeoutMs: 4000,
};

/** `127.0.0.1:8080`, `[::1]:8080`, `edge.example:443`. */
export function parseHostPort(text: string): { host: string; port: number } | null {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+):(\d{1,5})$/.exec(text.trim());
  if (match?.[1] === undefined || match[2] === undefined) return null;
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return null;
  return { host: match[1].replace(/^\[|\]$/g, ''), port };
}

export function probeConfigFromEnv(env: NodeJS.ProcessEnv): ProbeConfig {
  const config = { ...DEFAULT_PROBE };
  if (env.PORTHOLE_PROBE === 'off' || env.PORTHOLE_PROBE === '0') config.enabled = false;
  const address = env.PORTHOLE_PROBE_ADDRESS;
  if (address !== undefined && address !== '') config.address = parseHostPort(address);
  if (env.PORTHOLE_PROBE_PROTOCOL === 'http' || env.PORTHOLE_PROBE_PROTOCOL === 'https') config.protocol = env.PORTHOLE_PROBE_PROTOCOL;
  const resolvers = (env.PORTHOLE_PROBE_RESOLVER ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (resolvers.length > 0) config.resolvers = resolvers;
  const wait = Number(env.PORTHOLE_PROBE_WAIT_MS);
  if (env.PORTHOLE_PROBE_WAIT_MS !== undefined && Number.isFinite(wait) && wait >= 0) config.waitMs = wait;
  return config;
}

/**
 * Pauses between attempts while waiting for the address: quick at first (the name usually works
 * within a second or two of registration), then every two seconds.
 */
export function probeDelayMs(attempt: number): number {
  return [250, 500, 1000][attempt] ?? 2000;
}
