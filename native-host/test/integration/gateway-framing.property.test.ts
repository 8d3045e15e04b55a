/**
 * A differential property test of the gateway's framing (issue 9): generated raw requests — methods,
 * framing headers well-formed or not, Connection naming framing headers, bodies that hide a request
 * of their own, chunked bodies cut anywhere — go through the gateway to a local server that records
 * every request its own parser (Node's) found. Whatever the visitor sends:
 * - the local server never parses more requests than the gateway relayed: everything it parsed is a
 *   request the visitor sent as one, once, and every answer names a request of the visitor's own;
 * - every well-formed request arrives with its method and body intact, and a run of well-formed
 *   requests is answered in order.
 * A failure prints its seed; `PORTHOLE_FC_SEED=<seed>` replays it.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayProcess, PUBLIC_HOST } from '../gateway-harness/gateway-driver.js';
import { CountingOrigin, type RawResponse, ResponseReader } from '../gateway-harness/raw-http.js';

const SMUGGLED = 'GET /smuggled HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n';

type FramingKind = 'none' | 'length' | 'chunked' | 'length+chunked' | 'two-lengths' | 'gzip,chunked' | 'identity' | 'short-length';
const WELL_FORMED: readonly FramingKind[] = ['none', 'length', 'chunked'];

interface Generated {
  method: string;
  framing: FramingKind;
  connection: string[];
  body: string;
  /** Where the chunked body is cut into chunks. */
  cuts: number[];
  teCase: 'chunked' | 'Chunked';
}

const request: fc.Arbitrary<Generated> = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'),
  framing: fc.constantFrom<FramingKind>(
    'none',
    'length',
    'chunked',
    'length',
    'chunked',
    'length+chunked',
    'two-lengths',
    'gzip,chunked',
    'identity',
    'short-length',
  ),
  connection: fc.subarray(['keep-alive', 'content-length', 'transfer-encoding', 'host', 'te', 'x-extra']),
  body: fc.oneof(
    fc.constant(SMUGGLED),
    fc.string({ unit: fc.constantFrom('a', 'b', '0', '\r', '\n', ' ', ':'), minLength: 1, maxLength: 40 }),
    fc.constant(`x${SMUGGLED}`),
  ),
  cuts: fc.array(fc.nat({ max: 80 }), { maxLength: 3 }),
  teCase: fc.constantFrom<'chunked' | 'Chunked'>('chunked', 'Chunked'),
});

function isWellFormed(r: Generated): boolean {
  return WELL_FORMED.includes(r.framing);
}

function chunkedBody(body: string, cuts: number[]): string {
  const points = [...new Set(cuts.map((cut) => cut % (body.length + 1)))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let at = 0;
  for (const point of [...points, body.length]) {
    if (point <= at) continue;
    pieces.push(body.slice(at, point));
    at = point;
  }
  return `${pieces.map((piece) => `${Buffer.byteLength(piece).toString(16)}\r\n${piece}\r\n`).join('')}0\r\n\r\n`;
}

/** The bytes of one request; a well-formed "none" request has no body. */
function encode(r: Generated, path: string): { bytes: string; body: string } {
  const body = r.framing === 'none' ? '' : r.body;
  const length = Buffer.byteLength(body);
  const te = `Transfer-Encoding: ${r.teCase}`;
  const framingHeaders: Record<FramingKind, string[]> = {
    none: [],
    length: [`Content-Length: ${length}`],
    chunked: [te],
    'length+chunked': [`Content-Length: ${length}`, te],
    'two-lengths': [`Content-Length: ${length}`, `Content-Length: ${length + 1}`],
    'gzip,chunked': ['Transfer-Encoding: gzip, chunked'],
    identity: ['Transfer-Encoding: identity'],
    'short-length': [`Content-Length: ${Math.max(0, length - 5)}`],
  };
  const payload =
    r.framing === 'chunked' || r.framing === 'length+chunked' || r.framing === 'gzip,chunked' ? chunkedBody(body, r.cuts) : body;
  const lines = [`${r.method} ${path} HTTP/1.1`, `Host: ${PUBLIC_HOST}`, 'Cf-Connecting-Ip: 203.0.113.80', ...framingHeaders[r.framing]];
  if (r.connection.length > 0) lines.push(`Connection: ${r.connection.join(', ')}`);
  if (r.connection.includes('x-extra')) lines.push('X-Extra: 1');
  return { bytes: `${lines.join('\r\n')}\r\n\r\n${payload}`, body };
}

let origin: CountingOrigin;
let gateway: GatewayProcess;

beforeAll(async () => {
  origin = await CountingOrigin.start((seen, respond) => respond(200, `ok ${seen.body.length}`, { 'x-seen': seen.url }));
  gateway = await GatewayProcess.start({ origin: origin.origin });
});
afterAll(async () => {
  await gateway.stop();
  origin.close();
});

async function quiet(): Promise<void> {
  // Let the local server finish parsing whatever reached it (a smuggled request follows its carrier at once).
  let count = -1;
  while (count !== origin.seen.length) {
    count = origin.seen.length;
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
}

let caseNumber = 0;

describe('differential: what the visitor sent, what the local server parsed', () => {
  it('the local server never parses more than the gateway relayed, and well-formed requests arrive whole', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 3 }), fc.boolean(), async (requests, oneWrite) => {
        const id = ++caseNumber;
        const before = origin.seen.length;
        const errorsBefore = origin.parseErrors;
        const encoded = requests.map((r, i) => encode(r, `/case/${id}/${i}`));
        const socket = await gateway.connect();
        const reader = new ResponseReader(socket);
        // Last, a request that asks the gateway to close once it is answered: reading ends there
        // (or earlier, when the gateway refused something and closed). Not a half-close: the
        // gateway, like cloudflared, drops a connection whose client stops sending.
        const last = `GET /case/${id}/last HTTP/1.1\r\nHost: ${PUBLIC_HOST}\r\nConnection: close\r\n\r\n`;
        if (oneWrite) socket.write(encoded.map((e) => e.bytes).join('') + last);
        else for (const bytes of [...encoded.map((e) => e.bytes), last]) socket.write(bytes);
        const responses: RawResponse[] = [];
        for (;;) {
          const response = await reader.next(10_000);
          if (response === null) break;
          responses.push(response);
        }
        socket.destroy();
        await quiet();
        const seen = origin.seen.slice(before);

        // Everything the local server parsed is a request the visitor sent as one, each once: nothing
        // hidden in a body, nothing the server could not read.
        const sent = new Set([...requests.map((_r, i) => `/case/${id}/${i}`), `/case/${id}/last`]);
        const urls = seen.map((s) => s.url);
        expect(
          urls.filter((url) => !sent.has(url)),
          `parsed by the local server: ${urls.join(' ')}`,
        ).toEqual([]);
        expect(new Set(urls).size).toBe(urls.length);
        expect(origin.parseErrors - errorsBefore, 'requests the local server could not parse').toBe(0);
        // Every answer the visitor got from the local server is one of its own requests' (never another's).
        for (const response of responses)
          if (response.headers['x-seen'] !== undefined) expect(sent.has(response.headers['x-seen'])).toBe(true);

        // The well-formed requests before the first one that is not: all there, bodies intact, answered in order.
        for (const [i, r] of requests.entries()) {
          if (!isWellFormed(r)) break;
          const arrived = seen.find((s) => s.url === `/case/${id}/${i}`);
          expect(arrived, `request ${i} (${r.method}, ${r.framing})`).toBeDefined();
          expect(arrived?.method).toBe(r.method);
          expect(arrived?.body).toBe(encoded[i]?.body);
          if (requests.every(isWellFormed)) expect(responses[i]?.headers['x-seen']).toBe(`/case/${id}/${i}`);
        }
        if (requests.every(isWellFormed))
          expect(responses.map((r) => r.headers['x-seen'])).toEqual([...requests.map((_r, i) => `/case/${id}/${i}`), `/case/${id}/last`]);
      }),
      { numRuns: 80, seed: Number(process.env.PORTHOLE_FC_SEED ?? Date.now() % 2 ** 31) },
    );
  }, 120_000);
});
