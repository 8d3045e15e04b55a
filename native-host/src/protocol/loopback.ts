/**
 * Which addresses count as "this computer", and which of them are one local server. Shared by the
 * host (which refuses everything else and keeps one share per server) and the extension (which
 * offers sharing only on such pages and finds a page's share), so the two can never disagree.
 * Pure: uses only the WHATWG URL parser, present in Node and in browsers.
 */

export interface LoopbackOrigin {
  /** Serialised origin, e.g. `http://localhost:5173`, `http://[::1]:8080`. */
  origin: string;
  protocol: 'http' | 'https';
  /** As the URL parser normalised it; IPv6 keeps its brackets. */
  hostname: string;
  port: number;
}

export type LoopbackCheck = { ok: true; value: LoopbackOrigin } | { ok: false; code: 'bad-request' | 'not-loopback'; message: string };

const IPV4_LOOPBACK = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
/**
 * A server listening on every interface prints these (`python -m http.server` says
 * `http://0.0.0.0:8000/`); it is reachable on loopback, so they stand for the loopback address of
 * their family. Nothing is ever dialled at a wildcard address.
 */
const WILDCARD_TO_LOOPBACK: ReadonlyMap<string, string> = new Map([
  ['0.0.0.0', '127.0.0.1'],
  ['[::]', '[::1]'],
]);
/** The names of the one loopback server on a port: the same share whichever of them a tab shows. */
const LOOPBACK_ALIASES: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);
/** RFC 6761 reserves *.localhost for loopback; every label must be non-empty (`.localhost` is not a name). */
const LOCALHOST_SUBDOMAIN = /^(?:[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?\.)+localhost$/;

/**
 * The URL parser has already turned decimal, hex and short forms (`2130706433`, `0x7f.1`) into
 * dotted quads and lowercased names, so these checks see one spelling per address.
 */
export function isLoopbackHostname(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    LOCALHOST_SUBDOMAIN.test(hostname) ||
    IPV4_LOOPBACK.test(hostname) ||
    hostname === '[::1]' ||
    // "Every address of this computer": a server bound there answers on loopback too, and it is
    // the address `python -m http.server` prints (issue 12).
    hostname === '0.0.0.0' ||
    hostname === '[::]'
  );
}

export function checkLoopbackOrigin(input: string): LoopbackCheck {
  let url: URL;
  try {
    url = new URL(input);
    const loopback = WILDCARD_TO_LOOPBACK.get(url.hostname);
    if (loopback !== undefined) url.hostname = loopback;
  } catch {
    return {
      ok: false,
      code: 'bad-request',
      message: `"${clip(input)}" is not a URL. Give the address of the local page, such as http://localhost:3000.`,
    };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return {
      ok: false,
      code: 'not-loopback',
      message: `Only http and https pages can be shared, not ${url.protocol.slice(0, -1)}: addresses.`,
    };
  }
  if (url.username !== '' || url.password !== '') {
    return {
      ok: false,
      code: 'bad-request',
      message: 'The address must not carry a user name or password; share the plain origin, such as http://localhost:3000.',
    };
  }
  if (!isLoopbackHostname(url.hostname)) {
    return {
      ok: false,
      code: 'not-loopback',
      message: `${url.hostname} is not this computer. Porthole shares only localhost, *.localhost, 127.0.0.0/8, [::1], 0.0.0.0 and [::] addresses.`,
    };
  }
  const protocol = url.protocol === 'https:' ? 'https' : 'http';
  const port = url.port === '' ? (protocol === 'https' ? 443 : 80) : Number(url.port);
  return { ok: true, value: { origin: url.origin, protocol, hostname: url.hostname, port } };
}

/**
 * Which share serves a URL: scheme, server and port. `localhost`, `127.0.0.1`, `[::1]`, `0.0.0.0`
 * and `[::]` on one scheme and port are one server, so one share; a `*.localhost` name or another
 * 127.x address is a server of its own, because servers route by the name. Null when the URL is
 * not one Porthole shares. The host keys its shares on this and the extension finds a tab's share
 * with it: the one rule for both.
 */
export function shareKeyOf(input: string): string | null {
  const checked = checkLoopbackOrigin(input);
  if (!checked.ok) return null;
  const { protocol, hostname, port } = checked.value;
  return `${protocol}://${LOOPBACK_ALIASES.has(hostname) ? 'localhost' : hostname}:${port}`;
}

export function isLoopbackUrl(input: string | undefined | null): boolean {
  return typeof input === 'string' && checkLoopbackOrigin(input).ok;
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
