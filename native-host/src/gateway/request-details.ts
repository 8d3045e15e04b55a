/**
 * What the popup's inspector shows of one request (issue 11): the visitor's country, an anonymous
 * tag for the visitor, and the headers both ways, with secrets and addresses taken out. Pure,
 * except for the tagger's random key.
 *
 * Everything here leaves the gateway for the extension (and so for the 1 MB native-messaging
 * frame): headers are capped per request, and TrafficLog caps them per share.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { loggablePath } from '../redact.js';

export const MAX_HEADERS = 40;
export const MAX_HEADER_VALUE = 200;
export const REDACTED = '…';
/** Credentials: never shown, not even to the developer (a screen share of the popup must not leak a visitor's session). */
const SECRET_HEADERS = new Set(['cookie', 'authorization', 'set-cookie', 'proxy-authorization']);
/** The visitor's address, which the tag exists not to show. */
const ADDRESS_HEADERS = new Set([
  'cf-connecting-ip',
  'cf-connecting-ipv6',
  'x-forwarded-for',
  'x-real-ip',
  'true-client-ip',
  'forwarded',
  'cf-pseudo-ipv4',
]);
/** URLs whose query strings may carry tokens, cut as request paths are (redact.ts). */
const URL_HEADERS = new Set(['referer', 'location', 'content-location']);

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** CF-IPCountry as two capital letters; null when absent, malformed, or Cloudflare's "unknown" (XX) and Tor (T1). */
export function countryOf(headers: IncomingHttpHeaders): string | null {
  const value = first(headers['cf-ipcountry'])?.trim().toUpperCase();
  if (value === undefined || !/^[A-Z]{2}$/.test(value) || value === 'XX') return null;
  return value;
}

function shown(name: string, value: string): string {
  const lower = name.toLowerCase();
  if (SECRET_HEADERS.has(lower) || ADDRESS_HEADERS.has(lower)) return REDACTED;
  const safe = URL_HEADERS.has(lower) ? loggablePath(value) : value;
  return safe.length > MAX_HEADER_VALUE ? `${safe.slice(0, MAX_HEADER_VALUE - 1)}…` : safe;
}

/** Node's rawHeaders (`[name, value, name, value, …]`), as the inspector shows them: at most MAX_HEADERS, redacted, cut. */
export function inspectorHeaders(raw: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length && pairs.length < MAX_HEADERS; i += 2) pairs.push([raw[i]!, shown(raw[i]!, raw[i + 1]!)]);
  return pairs;
}

/** The same for `[name, value]` pairs (what the gateway writes). */
export function inspectorPairs(pairs: readonly (readonly [string, string])[]): [string, string][] {
  const shownPairs: [string, string][] = [];
  for (let i = 0; i < pairs.length && i < MAX_HEADERS; i++) {
    const [name, value] = pairs[i]!;
    shownPairs.push([name, shown(name, value)]);
  }
  return shownPairs;
}

/** The same for a header object (what the gateway writes): arrays become one pair per value. */
export function inspectorHeadersOf(headers: Record<string, string | string[] | number | undefined>): [string, string][] {
  const raw: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) raw.push(name, String(one));
    if (raw.length >= MAX_HEADERS * 2) break;
  }
  return inspectorHeaders(raw);
}

/**
 * Tags visitors `v` + four hex digits: an HMAC of the visitor key (address and browser) under a
 * key made for this share, so a tag says nothing of the address, cannot be matched across shares,
 * and is the same for one visitor's requests.
 */
export class VisitorTagger {
  private readonly key = randomBytes(16);

  tag(visitorKey: string): string {
    return `v${createHmac('sha256', this.key).update(visitorKey).digest('hex').slice(0, 4)}`;
  }
}
