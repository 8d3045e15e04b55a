/**
 * How a response from the origin is framed, and how the gateway frames it toward the visitor
 * (issue 15). Pure.
 *
 * The gateway writes every response head itself, so it must know where each body ends on both
 * sides: a response relayed with a wrong length would make cloudflared read the rest as the next
 * answer, another visitor's (the mirror of issue 9's request smuggling). Rules, RFC 9112 §6.3:
 * no body for HEAD, 1xx, 204 and 304 whatever the headers say; chunked when Transfer-Encoding is
 * exactly `chunked`; a length when Content-Length is one clear number; otherwise the body runs to
 * the close. A response that gives both, several different lengths, or another coding is refused
 * (the visitor gets the origin-error page), as node:http's strict parser refused it before.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { rawValues, tokens } from './http-head.js';

export type BodyFraming = { kind: 'none' } | { kind: 'length'; length: number } | { kind: 'chunked' } | { kind: 'close' };

export type ResponseFraming = { ok: true; framing: BodyFraming } | { ok: false; reason: string };

const NONE: ResponseFraming = { ok: true, framing: { kind: 'none' } };
const CHUNKED: ResponseFraming = { ok: true, framing: { kind: 'chunked' } };
const CLOSE: ResponseFraming = { ok: true, framing: { kind: 'close' } };

export function responseFraming(
  method: string,
  status: number,
  headers: IncomingHttpHeaders,
  rawHeaders: readonly string[],
): ResponseFraming {
  if (method === 'HEAD' || status < 200 || status === 204 || status === 304) return NONE;
  const hasLength = headers['content-length'] !== undefined;
  const coding = headers['transfer-encoding'];
  if (coding !== undefined) {
    if (hasLength) return { ok: false, reason: 'both Content-Length and Transfer-Encoding' };
    const codings = tokens(coding);
    if (codings.length !== 1 || codings[0] !== 'chunked') return { ok: false, reason: 'a Transfer-Encoding other than chunked' };
    return CHUNKED;
  }
  if (!hasLength) return CLOSE;
  const lengths = rawValues(rawHeaders, 'content-length');
  const first = lengths[0] ?? '';
  if (!/^\d{1,15}$/.test(first) || lengths.some((value) => value !== first)) return { ok: false, reason: 'an unclear Content-Length' };
  return { ok: true, framing: { kind: 'length', length: Number(first) } };
}

/** Whether the origin means to keep its connection open after this response. */
export function originKeepsAlive(version: '1.0' | '1.1', headers: IncomingHttpHeaders): boolean {
  const connection = tokens(headers.connection);
  if (connection.includes('close')) return false;
  return version === '1.1' || connection.includes('keep-alive');
}

/** Whether the visitor's connection may carry another request after this one. */
export function visitorKeepsAlive(version: '1.0' | '1.1', headers: IncomingHttpHeaders): boolean {
  // HTTP/1.0 keep-alive would need the gateway to answer `Connection: keep-alive`: cloudflared
  // speaks 1.1, and a 1.0 client is served one request per connection.
  return version === '1.1' && !tokens(headers.connection).includes('close');
}
