/**
 * The response head the visitor gets from the origin's (issue 15: the gateway writes it itself).
 * Pure. Hop-by-hop headers go (headers.ts says which), Transfer-Encoding too (the gateway frames
 * the body toward the visitor itself: response-framing.ts), redirects to the origin point at the
 * public address, and loopback cookie Domains are dropped (cookies.ts). Everything else is kept
 * as the origin sent it, names in their case, in order.
 */
import type { HeaderList } from './answers.js';
import { withoutLoopbackDomain } from './cookies.js';
import { hopByHopResponseHeaders, rewriteLocation } from './headers.js';
import type { ResponseHead } from './http-head.js';

/** What hopByHopResponseHeaders finds when Connection names nothing else. */
const ALWAYS = ['connection', 'keep-alive', 'proxy-connection', 'trailer'];

export function visitorResponseHeaders(head: ResponseHead, origin: string, publicOrigin: string): HeaderList {
  // The usual Connection values (keep-alive, close) name no other header: the set below is enough.
  const connection = head.headers.connection;
  const dropped =
    connection === undefined || connection === 'keep-alive' || connection === 'close' ? ALWAYS : hopByHopResponseHeaders(head.headers);
  const list: HeaderList = [];
  const raw = head.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    let value = raw[i + 1]!;
    const lower = name.toLowerCase();
    if (lower === 'transfer-encoding' || dropped.includes(lower)) continue;
    if (lower === 'location') value = rewriteLocation(value, origin, publicOrigin);
    else if (lower === 'set-cookie') value = withoutLoopbackDomain(value);
    list.push([name, value]);
  }
  return list;
}
