import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { hostError } from '../../errors.js';
import { silentLogger } from '../../log.js';
import { type HelloResult, HOST_NAME, type HostToExtension, isShareEvent } from '../../protocol/index.js';
import { ShareManager, type ShareRuntime } from '../../share/share-manager.js';
import { encodeFrame, encodeJsonFrame, FrameDecoder } from '../framing.js';
import { runSession } from '../session.js';

class QuietTunnel extends EventEmitter implements ShareRuntime {
  configure(): void {}
  stop(): Promise<void> {
    queueMicrotask(() => this.emit('exit', hostError('tunnel-exited')));
    return Promise.resolve();
  }
  killNow(): void {}
}

const HELLO: HelloResult = {
  type: 'hello',
  name: HOST_NAME,
  version: '1.2.3',
  protocol: 1,
  platform: 'linux',
  arch: 'x64',
  cloudflared: null,
  cloudflaredError: null,
};

function startSession() {
  const input = new PassThrough();
  const output = new PassThrough();
  const tunnels: QuietTunnel[] = [];
  const manager = new ShareManager({
    startShare: () => {
      const t = new QuietTunnel();
      tunnels.push(t);
      return t;
    },
    newId: () => `s${tunnels.length}`,
  });
  const done = runSession({ input, output, manager, log: silentLogger, hello: async () => HELLO });
  const decoder = new FrameDecoder();
  const received: HostToExtension[] = [];
  output.on('data', (chunk: Buffer) => {
    for (const item of decoder.push(chunk)) if (item.kind === 'frame') received.push(JSON.parse(item.body.toString('utf8')));
  });
  const send = (message: unknown) => input.write(encodeJsonFrame(message));
  const until = async (count: number) => {
    for (let i = 0; i < 100 && received.length < count; i++) await new Promise((r) => setTimeout(r, 5));
    return received;
  };
  return { input, output, send, received, until, done, tunnels, manager };
}

describe('native messaging session', () => {
  it('answers hello with the id it was asked with', async () => {
    const session = startSession();
    session.send({ id: 'h1', type: 'hello' });
    expect(await session.until(1)).toEqual([{ id: 'h1', ok: true, ...HELLO }]);
  });

  it('sends the share reply before the events of that share', async () => {
    const session = startSession();
    session.send({ id: 'r1', type: 'share', origin: 'http://localhost:3000' });
    const [reply, event] = await session.until(2);
    expect(reply).toMatchObject({
      id: 'r1',
      ok: true,
      type: 'share',
      existing: false,
      share: { origin: 'http://localhost:3000', state: 'starting' },
    });
    expect(event).toMatchObject({ type: 'share-event', change: 'starting' });
    session.tunnels[0]?.emit('url', 'https://x-y.trycloudflare.com');
    expect((await session.until(3))[2]).toMatchObject({
      type: 'share-event',
      change: 'url',
      share: { url: 'https://x-y.trycloudflare.com' },
    });
  });

  it('announces starting with the reply, before anything else of that share, even a failure that comes at once', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    // A runtime that fails as soon as it can: before any I/O, as a gateway that cannot be built would.
    const manager = new ShareManager({
      startShare: () => {
        const runtime = new QuietTunnel();
        queueMicrotask(() => runtime.emit('exit', hostError('internal', 'Porthole could not open its local gateway for this share.')));
        return runtime;
      },
      newId: () => 'f1',
    });
    void runSession({ input, output, manager, log: silentLogger, hello: async () => HELLO });
    const received: HostToExtension[] = [];
    const decoder = new FrameDecoder();
    output.on('data', (chunk: Buffer) => {
      for (const item of decoder.push(chunk)) if (item.kind === 'frame') received.push(JSON.parse(item.body.toString('utf8')));
    });
    input.write(encodeJsonFrame({ id: 'r1', type: 'share', origin: 'http://localhost:3000' }));
    for (let i = 0; i < 100 && received.length < 3; i++) await new Promise((r) => setTimeout(r, 5));
    expect(received.map((m) => ('ok' in m ? `reply:${m.id}` : isShareEvent(m) ? `${m.change}:${m.share.state}` : m.type))).toEqual([
      'reply:r1',
      'starting:starting',
      'failed:failed',
    ]);
    input.end();
  });

  it('answers malformed input with bad-request and keeps serving', async () => {
    const session = startSession();
    session.input.write(encodeFrame(Buffer.from('{nope')));
    session.input.write(encodeFrame(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])));
    session.send({ id: 'x', type: 'launch-missiles' });
    session.send({ id: 'l', type: 'share', origin: 'http://example.com' });
    session.send({ id: 'ok', type: 'list' });
    const replies = await session.until(5);
    expect(replies.map((r) => ('ok' in r ? [r.id, r.ok ? 'ok' : r.error.code] : r.type))).toEqual([
      [null, 'bad-request'],
      [null, 'bad-request'],
      ['x', 'bad-request'],
      ['l', 'not-loopback'],
      ['ok', 'ok'],
    ]);
    expect(replies[1]).toMatchObject({ error: { message: 'The message is not valid UTF-8.' } });
  });

  it('refuses an oversized frame with a reply, then reads the next frame', async () => {
    const session = startSession();
    const header = Buffer.alloc(4);
    header.writeUInt32LE(100 * 1024 * 1024, 0);
    session.input.write(header);
    session.send({ id: 'after', type: 'list' });
    const [refusal] = await session.until(1);
    expect(refusal).toMatchObject({ id: null, ok: false, error: { code: 'bad-request' } });
    expect(session.received).toHaveLength(1);
  });

  it('stops every share when the browser closes stdin, then ends', async () => {
    const session = startSession();
    session.send({ id: 'a', type: 'share', origin: 'http://localhost:3000' });
    session.send({ id: 'b', type: 'share', origin: 'http://localhost:4000' });
    await session.until(4);
    session.input.end();
    await session.done;
    expect(session.manager.list()).toEqual([]);
    const stopped = session.received.filter((m) => 'change' in m && m.change === 'stopped');
    expect(stopped).toHaveLength(2);
  });
});
