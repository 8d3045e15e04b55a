/**
 * What the gateway changes in the headers it relays. Pure, so every rule is a table row in a test.
 *
 * Why rewrite Host at all: dev servers refuse a Host they do not know, to stop DNS rebinding —
 * Vite answers "Blocked request. This host ("….trycloudflare.com") is not allowed." (server.allowedHosts),
 * webpack-dev-server "Invalid Host header" (allowedHosts). The origin's own `localhost:PORT` is
 * always allowed, and the public name still reaches the app as X-Forwarded-Host.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/** RFC 9110 §7.6.1: meaningful for one connection only; never relayed. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'proxy-authenticate',
  'te',
  'trailer',
  'upgrade',
]);

/**
 * Never dropped because Connection names them (issue 9): the framing headers are the gateway's to
 * set (framing.ts) and Host is always set; dropping them on a visitor's word is how a body went out
 * unframed.
 */
const NOT_NAMEABLE = new Set(['content-length', 'transfer-encoding', 'host']);

/**
 * Set by the gateway from what it verified, never taken from the visitor: a visitor's
 * X-Forwarded-Host reached the origin and steered redirects (issue 9).
 */
const GATEWAY_SET = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'forwarded',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-for',
]);

export interface RequestHeaderContext {
  /** The origin's own host, as a browser on this computer sends it: `localhost:5173`, `[::1]:8080`. */
  originHost: string;
  /** The origin itself, serialised: `http://localhost:5173`. */
  origin: string;
  /** The share's setting: relay the visitor's Host (the public name) unchanged. */
  keepPublicHost: boolean;
  /** The Authorization header answered the share's password: it is the gateway's, not the app's. */
  consumeAuthorization: boolean;
  /** A WebSocket (or other) upgrade: Connection and Upgrade must then reach the origin. */
  upgrade: boolean;
  /** The address the visitor came to, as the gateway checked it (isAllowedHost) and its protocol. */
  publicOrigin: PublicOrigin;
  /** The visitor's address (visitor.ts), for X-Forwarded-For. */
  visitorAddress: string;
  /** Content-Length or Transfer-Encoding as the gateway will write the body (framing.ts); null: neither. */
  framing: { name: 'content-length' | 'transfer-encoding'; value: string } | null;
  /** The Cookie header to send (the share's own cookie taken out); undefined: none. */
  cookie: string | undefined;
}

/** The address a visitor used: `https` and the share's public name, or `http` and the gateway's own loopback address. */
export interface PublicOrigin {
  proto: 'http' | 'https';
  /** The Host header that passed isAllowedHost. */
  host: string;
}

/** Header names the Connection header lists are hop-by-hop too (RFC 9110 §7.6.1). */
function connectionTokens(value: string | string[] | undefined): string[] {
  // The usual values name no other header.
  if (value === undefined || value === 'keep-alive' || value === 'close') return [];
  const joined = Array.isArray(value) ? value.join(',') : (value ?? '');
  return joined
    .split(',')
    .map((token) => token.trim().toLowerCase())
    .filter((token) => token !== '');
}

function isForwardingHeader(name: string): boolean {
  return GATEWAY_SET.has(name) || name.startsWith('x-forwarded-');
}

/**
 * The headers the origin gets: the visitor's end-to-end headers, Host as the origin expects it,
 * the framing the gateway writes, and X-Forwarded-* from what the gateway verified, so that apps
 * can still build public URLs.
 */
export function forwardedRequestHeaders(incoming: IncomingHttpHeaders, context: RequestHeaderContext): OutgoingHttpHeaders {
  // Runs for every request: no allocation beyond the result unless Connection names extra headers.
  const named = connectionTokens(incoming.connection).filter((name) => !NOT_NAMEABLE.has(name));
  const extra = named.length > 0 ? new Set(named) : null;
  const headers: OutgoingHttpHeaders = {};
  for (const name in incoming) {
    const value = incoming[name];
    if (value === undefined || HOP_BY_HOP.has(name) || isForwardingHeader(name) || extra?.has(name) === true) continue;
    if (name === 'authorization' && context.consumeAuthorization) continue;
    if (name === 'cookie') continue;
    headers[name] = value;
  }
  if (context.cookie !== undefined) headers.cookie = context.cookie;
  if (context.upgrade && incoming.upgrade !== undefined) {
    headers.connection = 'upgrade';
    headers.upgrade = incoming.upgrade;
  }
  if (context.framing !== null) headers[context.framing.name] = context.framing.value;

  const { publicOrigin } = context;
  headers.host = context.keepPublicHost ? publicOrigin.host : context.originHost;
  // A page of the share calling its own server sends the public origin as Origin. Dev servers compare
  // Origin with their own address for WebSockets (webpack-dev-server: "Invalid Host/Origin header")
  // and CSRF checks compare it with Host: same-origin must stay same-origin after the Host rewrite.
  // Any other Origin (another site) is passed as it is, so those checks still refuse it.
  if (!context.keepPublicHost && incoming.origin !== undefined && incoming.origin === serialise(publicOrigin))
    headers.origin = context.origin;
  headers['x-forwarded-host'] = publicOrigin.host;
  headers['x-forwarded-proto'] = publicOrigin.proto;
  headers['x-forwarded-for'] = context.visitorAddress;
  return headers;
}

export function serialise(publicOrigin: PublicOrigin): string {
  return `${publicOrigin.proto}://${publicOrigin.host}`;
}

/**
 * The address the visitor used, from the Host the gateway checked: the share's public name is
 * https (cloudflared's quick tunnels are served over https), the gateway's own loopback address
 * http. A visitor's X-Forwarded-Proto or -Host has no say.
 */
export function publicOriginFor(host: string, publicHostname: string | null): PublicOrigin {
  const name = host.toLowerCase().replace(/:\d+$/, '');
  return { proto: publicHostname !== null && name === publicHostname ? 'https' : 'http', host };
}

/**
 * Response headers that describe the origin's connection to the gateway, not the gateway's to
 * cloudflared: a dev server's `Connection: close` or `Keep-Alive: timeout=5` must not steer the
 * visitor's side. (Transfer-Encoding is dropped in gateway.ts: the visitor's side re-frames the body.)
 */
const HOP_BY_HOP_RESPONSE = new Set(['connection', 'keep-alive', 'proxy-connection', 'trailer']);

export function hopByHopResponseHeaders(headers: IncomingHttpHeaders): string[] {
  const named = connectionTokens(headers.connection).filter((name) => name !== 'transfer-encoding');
  const found: string[] = [];
  for (const name in headers) if (HOP_BY_HOP_RESPONSE.has(name) || named.includes(name)) found.push(name);
  return found;
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Which Host headers the gateway serves: the share's public name (what cloudflared sends) and the
 * gateway's own loopback address (local tools). Anything else is a page in the user's own browser
 * that pointed a name of its own at 127.0.0.1 (DNS rebinding): dev servers check Host to stop
 * exactly that, and the gateway, which rewrites Host for them, must not undo their check.
 */
export function isAllowedHost(host: string | undefined, publicHostname: string | null, gatewayPort: number | null): boolean {
  if (host === undefined) return false;
  const lower = host.toLowerCase();
  const colon = lower.lastIndexOf(':');
  const hasPort = colon !== -1 && !lower.endsWith(']');
  const name = hasPort ? lower.slice(0, colon) : lower;
  const port = hasPort ? Number(lower.slice(colon + 1)) : null;
  if (publicHostname !== null && name === publicHostname && (port === null || port === 443 || port === 80)) return true;
  return LOOPBACK_NAMES.has(name) && gatewayPort !== null && port === gatewayPort;
}

/**
 * A redirect to `http://localhost:5173/next` would send the visitor to their own computer: absolute
 * Locations that point at the origin (under any of its loopback names) are moved to the public
 * origin. Relative ones, and ones to other sites, are left alone.
 */
export function rewriteLocation(location: string, origin: string, publicOrigin: string | null): string {
  if (publicOrigin === null || !/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) return location;
  let target: URL;
  let from: URL;
  try {
    target = new URL(location);
    from = new URL(origin);
  } catch {
    return location;
  }
  const sameServer =
    target.protocol === from.protocol &&
    target.port === from.port &&
    (target.hostname === from.hostname || (LOOPBACK_NAMES.has(target.hostname) && LOOPBACK_NAMES.has(from.hostname)));
  if (!sameServer) return location;
  return `${publicOrigin}${target.pathname}${target.search}${target.hash}`;
}
