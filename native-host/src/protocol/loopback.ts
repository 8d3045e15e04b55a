/**
 * Which addresses count as "this computer". Shared by the host (which refuses everything else) and
 * the extension (which offers sharing only on such pages), so the two can never disagree.
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

export type LoopbackCheck =
  | { ok: true; value: LoopbackOrigin }
  | { ok: false; code: 'bad-request' | 'not-loopback'; message: string };

const IPV4_LOOPBACK = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
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
  } catch {
    return { ok: false, code: 'bad-request', message: `"${clip(input)}" is not a URL. Give the address of the local page, such as http://localhost:3000.` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, code: 'not-loopback', message: `Only http and https pages can be shared, not ${url.protocol.slice(0, -1)}: addresses.` };
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, code: 'bad-request', message: 'The address must not carry a user name or password; share the plain origin, such as http://localhost:3000.' };
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

export function isLoopbackUrl(input: string | undefined | null): boolean {
  return typeof input === 'string' && checkLoopbackOrigin(input).ok;
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
