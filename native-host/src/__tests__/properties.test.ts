/**
 * Property tests of the host's pure input handling: thousands of generated inputs each, looking for
 * a crash, a desynchronised frame, or a non-loopback origin let through.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameDecoder } from '../native/framing.js';
import { decodeMessage } from '../native/session.js';
import { ERROR_CODES, validateRequest } from '../protocol/index.js';
import { checkLoopbackOrigin } from '../protocol/loopback.js';

export const RUNS = 2000;

/**
 * An independent statement of "this computer", written differently from loopback.ts on purpose.
 * The wildcard addresses (a server on every interface) stand for the loopback of their family.
 */
const WILDCARD: Record<string, string> = { '0.0.0.0': '127.0.0.1', '[::]': '[::1]' };
function oracleIsLoopback(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]' || Object.hasOwn(WILDCARD, hostname)) return true;
  if (hostname.endsWith('.localhost') && hostname.length > '.localhost'.length) return true;
  const octets = hostname.split('.');
  return octets.length === 4 && octets[0] === '127' && octets.every((o) => /^\d+$/.test(o) && Number(o) <= 255);
}

const oddHosts = fc.constantFrom(
  'localhost',
  'LOCALHOST',
  'localhost.',
  'localhost.evil.com',
  'evil.com',
  'localhost@evil.com',
  'a.localhost',
  '.localhost',
  '127.0.0.1',
  '127.0.0.1.nip.io',
  '127.1',
  '0.0.0.0',
  '0',
  '2130706433',
  '0x7f000001',
  '0177.0.0.1',
  '017700000001',
  '[::1]',
  '[::]',
  '[::ffff:127.0.0.1]',
  '[::ffff:192.168.1.1]',
  '[0:0:0:0:0:0:0:1]',
  '[fe80::1]',
  '192.168.1.1',
  '10.0.0.1',
  '169.254.169.254',
  'xn--localhost-',
  'localhost%00.evil.com',
  'local\u0000host',
  'ⓛocalhost',
  'localhost:80@evil.com',
);
const originStrings = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('http', 'https', 'ftp', 'ws', 'file', 'javascript', 'HTTP'),
      fc.constantFrom('://', ':', ':///'),
      fc.constantFrom('', 'user:pass@', 'user@'),
      oddHosts,
      fc.constantFrom('', ':0', ':80', ':3000', ':65535', ':65536', ':-1', ':abc'),
      fc.constantFrom('', '/', '/path?q=1#h', '\\evil', '/..%2f'),
    )
    .map((parts) => parts.join('')),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.string({ maxLength: 200 }),
);

describe('properties of the host input handling', () => {
  it('never lets a non-loopback origin through', () => {
    fc.assert(
      fc.property(originStrings, (input) => {
        const result = checkLoopbackOrigin(input);
        if (!result.ok) return;
        const url = new URL(input);
        expect(['http:', 'https:']).toContain(url.protocol);
        expect(url.username + url.password).toBe('');
        expect(oracleIsLoopback(url.hostname)).toBe(true);
        const dialled = Object.hasOwn(WILDCARD, url.hostname) ? WILDCARD[url.hostname] : undefined;
        if (dialled === undefined) expect(result.value.origin).toBe(url.origin);
        else expect(result.value.hostname).toBe(dialled);
      }),
      { numRuns: RUNS },
    );
  });

  it('validateRequest never throws and always answers bad-request or a well-typed request', () => {
    const hostile = fc.oneof(
      fc.anything({ withNullPrototype: true, withObjectString: true }),
      fc.record(
        {
          id: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
          type: fc.oneof(fc.constantFrom('hello', 'share', 'stop', 'stop-all', 'list', '__proto__', 'constructor'), fc.string()),
          origin: fc.oneof(originStrings, fc.anything()),
          shareId: fc.anything(),
        },
        { requiredKeys: [] },
      ),
      fc.jsonValue().map((value) => JSON.parse(`{"__proto__": ${JSON.stringify(value)}, "id": "x", "type": "hello"}`) as unknown),
    );
    fc.assert(
      fc.property(hostile, (value) => {
        const result = validateRequest(value);
        if (result.ok) {
          expect(typeof result.request.id).toBe('string');
          expect(['hello', 'share', 'stop', 'stop-all', 'list']).toContain(result.request.type);
          expect(Object.getPrototypeOf(result.request)).toBe(Object.prototype);
        } else {
          expect(ERROR_CODES).toContain(result.error.code);
          expect(result.error.message.length).toBeGreaterThan(10);
        }
      }),
      { numRuns: RUNS },
    );
    expect(({} as Record<string, unknown>).id).toBeUndefined();
  });

  it('the frame decoder returns exactly the frames sent, however the bytes are cut', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 20 }),
        (bodies, cuts) => {
          const stream = Buffer.concat(bodies.map((body) => encodeFrame(Buffer.from(body), 'LE')));
          const decoder = new FrameDecoder(1024, 'LE');
          const out: Buffer[] = [];
          for (let at = 0, i = 0; at < stream.length; i++) {
            const size = cuts[i % cuts.length]!;
            for (const item of decoder.push(stream.subarray(at, at + size))) if (item.kind === 'frame') out.push(item.body);
            at += size;
          }
          expect(out.map((b) => b.toString('hex'))).toEqual(bodies.map((b) => Buffer.from(b).toString('hex')));
          expect(decoder.bufferedBytes).toBe(0);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('the frame decoder survives any byte soup without throwing or holding an oversized frame', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 20 }), (chunks) => {
        const decoder = new FrameDecoder(256, 'LE');
        for (const chunk of chunks) {
          for (const item of decoder.push(Buffer.from(chunk))) if (item.kind === 'frame') expect(item.body.length).toBeLessThanOrEqual(256);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('message decoding refuses invalid UTF-8 and invalid JSON, never throwing', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const result = decodeMessage(Buffer.from(bytes));
        if (result.ok) expect(() => JSON.stringify(result.value)).not.toThrow();
        else expect(result.reason).toMatch(/not valid (UTF-8|JSON)/);
      }),
      { numRuns: RUNS },
    );
  });
});
