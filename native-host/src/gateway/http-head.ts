/**
 * HTTP/1.1 message heads, read strictly from raw bytes (issue 15). Pure.
 *
 * Why the gateway reads heads itself: node:http cost about 260 µs of CPU per relayed request, most
 * of it per-request stream set-up (pipe/unpipe, ClientRequest, the agent), not parsing. Reading
 * only the head and moving body bytes as they are frees that cost. Being strict here is what keeps
 * issue 9's guarantees: anything two servers could read two ways is an error, never a guess —
 * bare LF or CR, obsolete line folding, whitespace before a colon, bytes outside a token in a
 * name, control characters in a value, a version other than 1.0 or 1.1, a head past the limit.
 *
 * The result carries `rawHeaders` (names as sent, every line) and `headers`, folded as node:http
 * folds them (IncomingHttpHeaders), so the rules written for node:http (headers.ts, framing.ts,
 * visitor.ts…) apply unchanged.
 */
import { type IncomingHttpHeaders, METHODS } from 'node:http';

export interface RequestHead {
  method: string;
  /** The request target as sent (origin-form `/path?query`, absolute-form, or `*`). */
  target: string;
  version: '1.0' | '1.1';
  rawHeaders: string[];
  headers: IncomingHttpHeaders;
}

export interface ResponseHead {
  status: number;
  reason: string;
  version: '1.0' | '1.1';
  rawHeaders: string[];
  headers: IncomingHttpHeaders;
}

export type HeadResult<T> =
  /** No end of head yet (and still under the limit): wait for more bytes. */
  | { kind: 'incomplete' }
  /** `consumed`: bytes of the buffer the head took (leading blank lines and the final CRLF CRLF included). */
  | { kind: 'head'; head: T; consumed: number }
  | { kind: 'error'; status: 400 | 431; reason: string };

const INCOMPLETE = { kind: 'incomplete' } as const;
const TOO_LARGE = { kind: 'error', status: 431, reason: 'a head larger than the limit' } as const;
const CRLFCRLF = Buffer.from('\r\n\r\n');

/**
 * The methods node:http's parser accepts (what the gateway used to take): a local server on Node
 * refuses any other as unparsable, so one is refused here, before it reaches the origin.
 */
const KNOWN_METHODS = new Set(METHODS);

/** RFC 9110 tchar. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Field values and reasons: visible characters, spaces and tabs, and obs-text (bytes 0x80–0xff, read as latin1). */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) return true;
  }
  return false;
}

/** A request target: no spaces, no control characters. */
function badTarget(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f) return true;
  }
  return text === '';
}

/** node:http keeps the first of these when a head repeats them (_http_incoming.js). */
const FIRST_ONLY = new Set([
  'content-type',
  'content-length',
  'user-agent',
  'referer',
  'host',
  'authorization',
  'proxy-authorization',
  'if-modified-since',
  'if-unmodified-since',
  'from',
  'location',
  'max-forwards',
  'retry-after',
  'etag',
  'last-modified',
  'server',
  'age',
  'expires',
]);

function bad(reason: string): { kind: 'error'; status: 400; reason: string } {
  return { kind: 'error', status: 400, reason };
}

/**
 * Leading CRLFs before a request line are skipped (RFC 9112 §2.2: a client may send one after a
 * body); at most a few, so that a stream of them is not read forever.
 */
function skipBlankLines(buffer: Buffer): number {
  let at = 0;
  while (at + 1 < buffer.length && at < 8 && buffer[at] === 0x0d && buffer[at + 1] === 0x0a) at += 2;
  return at;
}

/** Finds the head's end; the limit counts the head's own bytes. */
function locate(buffer: Buffer, start: number, maxBytes: number): { end: number } | typeof INCOMPLETE | typeof TOO_LARGE {
  const end = buffer.indexOf(CRLFCRLF, start);
  if (end === -1) return buffer.length - start > maxBytes ? TOO_LARGE : INCOMPLETE;
  if (end + 4 - start > maxBytes) return TOO_LARGE;
  return { end };
}

/** A lone CR or LF anywhere in a head: two servers would split its lines differently. */
const BARE_CR_OR_LF = /\r(?!\n)|(?<!\r)\n/;

/**
 * The field lines of `text` from `at` (just past the start line's CRLF) → rawHeaders and folded
 * headers; a string when one is malformed. Runs for every request and response: one pass, no
 * intermediate arrays.
 */
function readFields(text: string, at: number, rawHeaders: string[], headers: IncomingHttpHeaders): string | null {
  const folded = headers as Record<string, string | string[] | undefined>;
  const length = text.length;
  while (at < length) {
    let end = text.indexOf('\r\n', at);
    if (end === -1) end = length;
    const first = text.charCodeAt(at);
    if (first === 0x20 || first === 0x09) return 'a folded header line';
    const colon = text.indexOf(':', at);
    if (colon === -1 || colon >= end || colon === at) return 'a header line without a name';
    const name = text.slice(at, colon);
    if (!TOKEN.test(name)) return 'a header name with spaces or other characters outside a token';
    const value = trimOws(text.slice(colon + 1, end));
    if (hasControl(value)) return 'a control character in a header value';
    rawHeaders.push(name, value);
    const lower = lowerName(name);
    const existing = folded[lower];
    if (existing === undefined) folded[lower] = lower === 'set-cookie' ? [value] : value;
    else if (lower === 'set-cookie') (existing as string[]).push(value);
    else if (lower === 'cookie') folded[lower] = `${existing}; ${value}`;
    else if (!FIRST_ONLY.has(lower)) folded[lower] = `${existing}, ${value}`;
    at = end + 2;
  }
  return null;
}

/** Header names as most clients write them, lowered once: toLowerCase allocates a string per call. */
const LOWER = new Map<string, string>();
function lowerName(name: string): string {
  const known = LOWER.get(name);
  if (known !== undefined) return known;
  const lower = name.toLowerCase();
  // Bounded: names are the sender's to choose, and only short common ones are worth keeping.
  if (LOWER.size < 512 && name.length <= 40) LOWER.set(name, lower);
  return lower;
}

/** Spaces and tabs only: String.trim would also eat 0xA0, a byte of the value in latin1. */
function trimOws(text: string): string {
  let from = 0;
  let to = text.length;
  while (from < to && (text.charCodeAt(from) === 0x20 || text.charCodeAt(from) === 0x09)) from++;
  while (to > from && (text.charCodeAt(to - 1) === 0x20 || text.charCodeAt(to - 1) === 0x09)) to--;
  return from === 0 && to === text.length ? text : text.slice(from, to);
}

function versionOf(text: string): '1.0' | '1.1' | null {
  return text === 'HTTP/1.1' ? '1.1' : text === 'HTTP/1.0' ? '1.0' : null;
}

export function parseRequestHead(buffer: Buffer, maxBytes: number): HeadResult<RequestHead> {
  const start = skipBlankLines(buffer);
  const found = locate(buffer, start, maxBytes);
  if (!('end' in found)) return found;
  const text = buffer.toString('latin1', start, found.end);
  if (BARE_CR_OR_LF.test(text)) return bad('a bare CR or LF');
  let lineEnd = text.indexOf('\r\n');
  if (lineEnd === -1) lineEnd = text.length;
  const line = text.slice(0, lineEnd);
  const first = line.indexOf(' ');
  const second = line.indexOf(' ', first + 1);
  if (first <= 0 || second === -1 || line.indexOf(' ', second + 1) !== -1) return bad('a malformed request line');
  const method = line.slice(0, first);
  const target = line.slice(first + 1, second);
  const version = versionOf(line.slice(second + 1));
  if (!KNOWN_METHODS.has(method)) return bad('a method the local server may not know');
  if (badTarget(target)) return bad('a malformed request target');
  if (version === null) return bad('an HTTP version other than 1.0 or 1.1');
  const rawHeaders: string[] = [];
  const headers: IncomingHttpHeaders = {};
  const problem = readFields(text, lineEnd + 2, rawHeaders, headers);
  if (problem !== null) return bad(problem);
  return { kind: 'head', head: { method, target, version, rawHeaders, headers }, consumed: found.end + 4 };
}

export function parseResponseHead(buffer: Buffer, maxBytes: number): HeadResult<ResponseHead> {
  const found = locate(buffer, 0, maxBytes);
  if (!('end' in found)) return found;
  const text = buffer.toString('latin1', 0, found.end);
  if (BARE_CR_OR_LF.test(text)) return bad('a bare CR or LF');
  let lineEnd = text.indexOf('\r\n');
  if (lineEnd === -1) lineEnd = text.length;
  const line = text.slice(0, lineEnd);
  const match = /^(HTTP\/1\.[01]) ([1-9]\d\d)(?: (.*))?$/.exec(line);
  if (match === null || hasControl(match[3] ?? '')) return bad('a malformed status line');
  const rawHeaders: string[] = [];
  const headers: IncomingHttpHeaders = {};
  const problem = readFields(text, lineEnd + 2, rawHeaders, headers);
  if (problem !== null) return bad(problem);
  return {
    kind: 'head',
    head: { status: Number(match[2]), reason: match[3] ?? '', version: versionOf(match[1]!)!, rawHeaders, headers },
    consumed: found.end + 4,
  };
}

/** The values of one header as sent, every line (names compared without case). */
export function rawValues(rawHeaders: readonly string[], lowerName: string): string[] {
  const values: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) if (rawHeaders[i]!.toLowerCase() === lowerName) values.push(rawHeaders[i + 1]!);
  return values;
}

/** The comma-separated tokens of a header (Connection, Transfer-Encoding), lower case. */
export function tokens(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  const joined = Array.isArray(value) ? value.join(',') : value;
  const found: string[] = [];
  for (const part of joined.split(',')) {
    const token = part.trim().toLowerCase();
    if (token !== '') found.push(token);
  }
  return found;
}
