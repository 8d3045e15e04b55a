/**
 * How a request's body is framed, decided once from what Node's parser accepted, and how it goes
 * out to the origin. Pure.
 *
 * Why the gateway frames the outgoing request itself instead of copying the visitor's headers
 * (issue 9, request smuggling): a body written to a keep-alive connection without a length that
 * the origin agrees on is parsed by the origin as the next request, and its answer can reach
 * another visitor. Two ways that happened: a "no body" rule (`content-length: 0`) applied to a
 * DELETE that had a chunked body, and `Connection: content-length` dropping the framing header as
 * hop-by-hop. Now the outgoing framing is derived from the body the gateway will really write:
 * a length when the visitor gave one, chunked when the visitor's body was chunked, and no body
 * (with `content-length: 0` for methods that usually carry one) otherwise. Anything Node's strict
 * parser let through but that two servers could read two ways is refused with 400.
 */
import type { IncomingHttpHeaders } from 'node:http';

export type Framing = { kind: 'none' } | { kind: 'length'; length: number } | { kind: 'chunked' };

export type FramingCheck = { ok: true; framing: Framing } | { ok: false; reason: string };

export interface RequestLine {
  method: string;
  httpVersion: string;
  headers: IncomingHttpHeaders;
  /** As received, names in their case: duplicates that Node folded into one are still seen here. */
  rawHeaders: readonly string[];
  /** A WebSocket (or other) upgrade: its handshake has no body. */
  upgrade: boolean;
}

function rawValues(rawHeaders: readonly string[], lowerName: string): string[] {
  const values: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) if (rawHeaders[i]?.toLowerCase() === lowerName) values.push(rawHeaders[i + 1] ?? '');
  return values;
}

/** Runs for every request: the common case (no framing headers at all) allocates nothing. */
export function checkFraming(request: RequestLine): FramingCheck {
  const { headers } = request;
  const hasLength = headers['content-length'] !== undefined;
  const hasCoding = headers['transfer-encoding'] !== undefined;
  if (!hasLength && !hasCoding) return NO_BODY;
  if (hasLength && hasCoding) return { ok: false, reason: 'both Content-Length and Transfer-Encoding' };
  if (hasCoding) {
    const codings = rawValues(request.rawHeaders, 'transfer-encoding');
    // Only one coding is relayed as it is: chunked, once. Anything else (gzip, chunked; identity;
    // chunked twice) is read differently by different servers.
    if (codings.length !== 1 || codings[0]?.trim().toLowerCase() !== 'chunked')
      return { ok: false, reason: 'a Transfer-Encoding other than chunked' };
    if (request.httpVersion !== '1.1') return { ok: false, reason: 'Transfer-Encoding in HTTP/1.0' };
    if (request.upgrade) return { ok: false, reason: 'an upgrade with a body' };
    return CHUNKED;
  }
  const lengths = rawValues(request.rawHeaders, 'content-length');
  const first = lengths[0]?.trim() ?? '';
  if (!/^\d{1,15}$/.test(first) || lengths.some((value) => value.trim() !== first))
    return { ok: false, reason: 'an unclear Content-Length' };
  const length = Number(first);
  if (request.upgrade && length !== 0) return { ok: false, reason: 'an upgrade with a body' };
  return { ok: true, framing: { kind: 'length', length } };
}

const NO_BODY: FramingCheck = { ok: true, framing: { kind: 'none' } };
const CHUNKED: FramingCheck = { ok: true, framing: { kind: 'chunked' } };

/** Methods whose requests usually have no body: sent without any framing header when they have none. */
const BODILESS = new Set(['GET', 'HEAD', 'CONNECT', 'TRACE']);

/** The framing headers the origin gets; every other Content-Length or Transfer-Encoding is dropped. */
export function outgoingFraming(method: string, framing: Framing): { name: 'content-length' | 'transfer-encoding'; value: string } | null {
  switch (framing.kind) {
    case 'length':
      return { name: 'content-length', value: String(framing.length) };
    case 'chunked':
      return { name: 'transfer-encoding', value: 'chunked' };
    case 'none':
      return BODILESS.has(method) ? null : { name: 'content-length', value: '0' };
  }
}
