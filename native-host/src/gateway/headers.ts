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
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate', 'te', 'trailer', 'upgrade']);

export interface RequestHeaderContext {
  /** The origin's own host, as a browser on this computer sends it: `localhost:5173`, `[::1]:8080`. */
  originHost: string;
  /** The origin itself, serialised: `http://localhost:5173`. */
  origin: string;
  /** The share's setting: relay the visitor's Host (the public name) unchanged. */
  keepPublicHost: boolean;
  /** The Authorization header answered the share's password: it is the gateway's, not the app's. */
  consumeAuthorization: boolean;
  /** Who connected to the gateway (cloudflared, so 127.0.0.1). */
  peerAddress: string | undefined;
  /** A WebSocket (or other) upgrade: Connection and Upgrade must then reach the origin. */
  upgrade: boolean;
}

/** Header names the Connection header lists are hop-by-hop too (RFC 9110 §7.6.1). */
function connectionTokens(value: string | string[] | undefined): string[] {
  // The usual values name no other header.
  if (value === undefined || value === 'keep-alive' || value === 'close') return [];
  const joined = Array.isArray(value) ? value.join(',') : (value ?? '');
  return joined.split(',').map((token) => token.trim().toLowerCase()).filter((token) => token !== '');
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The headers the origin gets: the visitor's end-to-end headers, Host as the origin expects it,
 * and the usual X-Forwarded-* so that apps can still build public URLs.
 */
export function forwardedRequestHeaders(incoming: IncomingHttpHeaders, context: RequestHeaderContext): OutgoingHttpHeaders {
  // Runs for every request: no allocation beyond the result unless Connection names extra headers.
  const named = connectionTokens(incoming.connection);
  const extra = named.length > 0 ? new Set(named) : null;
  const headers: OutgoingHttpHeaders = {};
  for (const name in incoming) {
    const value = incoming[name];
    if (value === undefined || HOP_BY_HOP.has(name) || extra?.has(name) === true) continue;
    if (name === 'authorization' && context.consumeAuthorization) continue;
    headers[name] = value;
  }
  if (context.upgrade && incoming.upgrade !== undefined) {
    headers.connection = 'upgrade';
    headers.upgrade = incoming.upgrade;
  }

  const publicHost = first(incoming['x-forwarded-host']) ?? incoming.host;
  headers.host = context.keepPublicHost && incoming.host !== undefined ? incoming.host : context.originHost;
  // A page of the share calling its own server sends the public origin as Origin. Dev servers compare
  // Origin with their own address for WebSockets (webpack-dev-server: "Invalid Host/Origin header")
  // and CSRF checks compare it with Host: same-origin must stay same-origin after the Host rewrite.
  // Any other Origin (another site) is passed as it is, so those checks still refuse it.
  if (!context.keepPublicHost && incoming.origin !== undefined && incoming.origin === publicOriginOf(incoming)) headers.origin = context.origin;
  if (publicHost !== undefined) headers['x-forwarded-host'] = publicHost;
  // cloudflared says https; a request straight to the gateway (a local tool, the benchmark) came over http.
  headers['x-forwarded-proto'] = first(incoming['x-forwarded-proto']) ?? 'http';
  const forwardedFor = first(incoming['x-forwarded-for']);
  if (context.peerAddress !== undefined) {
    headers['x-forwarded-for'] = forwardedFor === undefined || forwardedFor === '' ? context.peerAddress : `${forwardedFor}, ${context.peerAddress}`;
  }
  return headers;
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

/** `https://name.trycloudflare.com`: the address the visitor used, as cloudflared reports it. */
export function publicOriginOf(incoming: IncomingHttpHeaders): string | null {
  const host = first(incoming['x-forwarded-host']) ?? incoming.host;
  if (host === undefined || host === '') return null;
  const proto = first(incoming['x-forwarded-proto']) === 'https' ? 'https' : 'http';
  return `${proto}://${host}`;
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
