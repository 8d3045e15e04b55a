/**
 * The built host under abuse: a foreign caller, fuzzed messages and raw byte soup, many shares at
 * once. Whatever comes in, stdout carries only well-formed frames, non-loopback origins are never
 * shared, and nothing is left running.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, inject, it } from 'vitest';
import {
  ERROR_CODES,
  type HostToExtension,
  isAccountEvent,
  isShareEvent,
  type OkReply,
  type Reply,
  SHARE_CHANGES,
} from '../../src/protocol/index.js';
import { readFakeStates } from '../fake-cloudflared/state.js';
import { HostDriver, isAlive, waitUntil } from '../host-driver.js';

const fakeCloudflared = inject('fakeCloudflared');
const hosts: HostDriver[] = [];
const MESSAGE_CASES = 600;
const BYTE_SOUP_CASES = 40;

function startHost(options: Partial<ConstructorParameters<typeof HostDriver>[0]> = {}): HostDriver {
  const host = new HostDriver({ fakeCloudflared, ...options });
  hosts.push(host);
  return host;
}

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.dispose()));
});

/** Written apart from loopback.ts on purpose: the test's own idea of "this computer". */
function oracleIsLoopback(origin: string): boolean {
  const { hostname } = new URL(origin);
  return (
    hostname === 'localhost' ||
    hostname === '[::1]' ||
    /^[a-z0-9_-]+(\.[a-z0-9_-]+)*\.localhost$/.test(hostname) ||
    /^127(\.\d{1,3}){3}$/.test(hostname)
  );
}

function assertWellFormed(message: HostToExtension): void {
  if (isShareEvent(message)) {
    expect(SHARE_CHANGES).toContain(message.change);
    expect(typeof message.share.id).toBe('string');
    return;
  }
  if (isAccountEvent(message)) throw new Error('an account event, though no account request was sent');
  expect(typeof message.ok).toBe('boolean');
  if (!message.ok) {
    expect(ERROR_CODES).toContain(message.error.code);
    expect(message.error.message.length).toBeGreaterThan(10);
  }
}

const oddOrigins = fc.oneof(
  fc.constantFrom(
    'http://localhost.evil.com:3000',
    'http://127.0.0.1.nip.io',
    'http://0.0.0.0:3000',
    'http://[::ffff:192.168.1.1]',
    'http://2130706433:1',
    'http://0x7f000001:2',
    'http://user:pw@localhost:3',
    'http://localhost:65536',
    'http://[::]:80',
    'http://169.254.169.254/latest',
    'http://evil.com#@localhost:4',
    'http://localhost%2eevil.com',
    'http://.localhost:5',
    'file:///etc/passwd',
    'javascript:alert(1)',
  ),
  fc.webUrl(),
  fc.string({ maxLength: 80 }),
);

const hostileMessages = fc.oneof(
  { weight: 4, arbitrary: fc.record({ id: fc.string({ minLength: 1, maxLength: 10 }), type: fc.constant('share'), origin: oddOrigins }) },
  {
    weight: 2,
    arbitrary: fc.record(
      {
        id: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
        type: fc.oneof(fc.string(), fc.constantFrom('hello', 'stop', 'list', '__proto__')),
        shareId: fc.anything(),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: fc.jsonValue({ depthSize: 'large' }) },
  {
    weight: 1,
    arbitrary: fc.constant(
      JSON.parse('{"__proto__":{"type":"stop-all"},"id":"p","type":"hello","constructor":{"prototype":{"polluted":true}}}') as unknown,
    ),
  },
);

describe('the built host under abuse', () => {
  it('serves only Porthole: another extension id gets no answer, just an exit', async () => {
    const host = startHost({ args: ['chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/'] });
    host.send({ id: 'h', type: 'hello' });
    expect(await host.exited).toEqual({ code: 1, signal: null });
    expect(host.messages).toEqual([]);
    expect(host.stderr).toMatch(/refused to serve chrome-extension:\/\/a{32}\//);
  });

  it(`answers ${MESSAGE_CASES} fuzzed messages with one well-formed reply each, never sharing a non-loopback origin`, async () => {
    const host = startHost();
    const cases = fc.sample(hostileMessages, { numRuns: MESSAGE_CASES, seed: 20261125 });
    cases.push({ id: 'big', type: 'share', origin: `http://localhost:1/${'a'.repeat(5000)}` });
    for (const message of cases) host.send(message);
    // Deeply nested JSON, sent as text (the test's own JSON.stringify would overflow): the host must neither crash nor stall.
    const deep = Buffer.from(`{"id":"deep","type":"hello","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    host.writeRaw(Buffer.concat([Buffer.from(Uint32Array.of(deep.length).buffer), deep]));
    host.send({ id: 'final', type: 'list' });
    const expected = cases.length + 2;
    const replies = (): Reply[] => host.messages.filter((m): m is Reply => !isShareEvent(m));
    await waitUntil(() => replies().length >= expected, 20_000, `${expected} replies`);
    expect(replies()).toHaveLength(expected);
    expect(replies().find((r) => r.id === 'deep')).toMatchObject({ ok: true, type: 'hello' });
    host.messages.forEach(assertWellFormed);
    const shared = replies().filter((r): r is Extract<OkReply, { type: 'share' }> => r.ok && r.type === 'share');
    for (const reply of shared) expect(oracleIsLoopback(reply.share.origin)).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    host.closeStdin();
    expect(await host.exited).toEqual({ code: 0, signal: null });
    for (const fake of await readFakeStates(host.fakeDir)) expect(isAlive(fake.pid)).toBe(false);
    expect(host.stderr).not.toMatch(/uncaught/);
  });

  it(`survives ${BYTE_SOUP_CASES} streams of raw byte soup: truncated, oversized and lying frames`, async () => {
    const frameish = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      // A length that lies about the body that follows.
      fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.uint8Array({ maxLength: 32 })).map(([length, body]) => {
        const header = Buffer.alloc(4);
        header.writeUInt32LE(length, 0);
        return Buffer.concat([header, body]);
      }),
      // An honest frame of invalid UTF-8 or random text.
      fc.uint8Array({ maxLength: 32 }).map((body) => {
        const header = Buffer.alloc(4);
        header.writeUInt32LE(body.length, 0);
        return Buffer.concat([header, body]);
      }),
    );
    const soups = fc.sample(fc.array(frameish, { minLength: 1, maxLength: 12 }), { numRuns: BYTE_SOUP_CASES, seed: 4242 });
    for (let start = 0; start < soups.length; start += 4) {
      await Promise.all(
        soups.slice(start, start + 4).map(async (soup) => {
          const host = startHost();
          for (const piece of soup) host.writeRaw(Buffer.from(piece));
          host.closeStdin();
          expect(await host.exited).toEqual({ code: 0, signal: null });
          host.messages.forEach(assertWellFormed);
          expect(host.stderr).not.toMatch(/uncaught/);
        }),
      );
    }
  });

  it('20 shares at once: listed, stopped one by one and all at once, no process left', async () => {
    const host = startHost();
    const ids: string[] = [];
    for (let port = 41000; port < 41020; port++) {
      const reply = await host.request<Extract<OkReply, { type: 'share' }>>({ type: 'share', origin: `http://localhost:${port}` });
      expect(reply.ok).toBe(true);
      ids.push(reply.share.id);
    }
    await Promise.all(ids.map((id) => host.waitForChange(id, 'url', 20_000)));
    const listed = await host.request<Extract<OkReply, { type: 'list' }>>({ type: 'list' });
    expect(listed.shares.map((s) => s.id).sort()).toEqual([...ids].sort());
    const fakes = await readFakeStates(host.fakeDir);
    expect(fakes.filter((f) => isAlive(f.pid))).toHaveLength(20);

    for (const id of ids.slice(0, 10))
      expect(await host.request({ type: 'stop', shareId: id })).toMatchObject({ ok: true, share: { state: 'stopped' } });
    const rest = await host.request<Extract<OkReply, { type: 'stop-all' }>>({ type: 'stop-all' });
    expect(rest.shares.map((s) => s.state)).toEqual(Array(10).fill('stopped'));
    await waitUntil(() => fakes.every((f) => !isAlive(f.pid)), 2000, 'every cloudflared stopped');
    expect(readdirSync(join(host.stateDir, 'running'))).toEqual([]);
  });

  it('caps concurrent shares with a clear error', async () => {
    const host = startHost({ env: { PORTHOLE_MAX_SHARES: '3' } });
    for (let port = 42000; port < 42003; port++)
      expect(await host.request({ type: 'share', origin: `http://localhost:${port}` })).toMatchObject({ ok: true });
    expect(await host.request({ type: 'share', origin: 'http://localhost:42003' })).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: expect.stringMatching(/at most 3 shares at once\. Stop one/) },
    });
  });
});

describe('no orphans when the host is killed mid-share', () => {
  it('a host start with a stale record reaps only what is recorded (see host.test.ts for the full story); a clean host leaves no record', async () => {
    const host = startHost();
    const reply = await host.request<Extract<OkReply, { type: 'share' }>>({ type: 'share', origin: 'http://localhost:43000' });
    await host.waitForChange(reply.share.id, 'url');
    expect(readdirSync(join(host.stateDir, 'running'))).toEqual([`${host.child.pid}.json`]);
    host.closeStdin();
    await host.exited;
    expect(readdirSync(join(host.stateDir, 'running'))).toEqual([]);
  });

  it('SIGTERM from the browser stops every cloudflared too', async () => {
    const host = startHost();
    const reply = await host.request<Extract<OkReply, { type: 'share' }>>({ type: 'share', origin: 'http://localhost:43001' });
    await host.waitForChange(reply.share.id, 'url');
    const [fake] = await readFakeStates(host.fakeDir);
    host.kill('SIGTERM');
    await host.exited;
    await waitUntil(() => !isAlive(fake!.pid), 1000, 'cloudflared stopped after SIGTERM');
  });
});
