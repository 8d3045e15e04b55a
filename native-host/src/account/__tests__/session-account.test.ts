/** The session's side of the account: requests dispatched to the account, account events pushed, shutdown at the end. */
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { hostError, PortholeError } from '../../errors.js';
import { silentLogger } from '../../log.js';
import { encodeJsonFrame, FrameDecoder } from '../../native/framing.js';
import { runSession } from '../../native/session.js';
import {
  type AccountEvent,
  type AccountStatus,
  type HelloResult,
  type HostToExtension,
  NO_ACCOUNT,
  type Share,
} from '../../protocol/index.js';
import { ShareManager, type ShareRuntime } from '../../share/share-manager.js';
import type { AccountService } from '../account-manager.js';

const DISCONNECTED: AccountStatus = NO_ACCOUNT;

class ScriptedAccount extends EventEmitter<{ event: [AccountEvent] }> implements AccountService {
  current = DISCONNECTED;
  shutDown = false;
  stoppedFirst: Share[] = [];
  status(): AccountStatus {
    return this.current;
  }
  async connect(): Promise<AccountStatus> {
    this.current = { ...DISCONNECTED, state: 'connecting', loginUrl: 'https://dash.cloudflare.com/argotunnel?aud=&callback=x' };
    return this.current;
  }
  async connectToken(): Promise<AccountStatus> {
    throw new PortholeError('token-invalid');
  }
  async disconnect(stop: () => Promise<Share[]>): Promise<{ account: AccountStatus; stopped: Share[] }> {
    this.stoppedFirst = await stop();
    this.current = DISCONNECTED;
    return { account: this.current, stopped: this.stoppedFirst };
  }
  async shutdown(): Promise<void> {
    this.shutDown = true;
  }
  finishLogin(): void {
    this.current = { ...DISCONNECTED, state: 'connected', mode: 'cert', zone: 'example.com' };
    this.emit('event', { type: 'account-event', account: this.current });
  }
}

class QuietRuntime extends EventEmitter implements ShareRuntime {
  configure(): void {}
  stop(): Promise<void> {
    queueMicrotask(() => this.emit('exit', hostError('tunnel-exited')));
    return Promise.resolve();
  }
  killNow(): void {}
}

function start() {
  const input = new PassThrough();
  const output = new PassThrough();
  const account = new ScriptedAccount();
  const manager = new ShareManager({
    startShare: () => new QuietRuntime(),
    planStable: (key) => ({ key, label: 'app', hostname: 'app.example.com' }),
  });
  const done = runSession({ input, output, manager, account, log: silentLogger, hello: async () => ({}) as HelloResult });
  const received: HostToExtension[] = [];
  const decoder = new FrameDecoder();
  output.on('data', (chunk: Buffer) => {
    for (const item of decoder.push(chunk)) if (item.kind === 'frame') received.push(JSON.parse(item.body.toString('utf8')));
  });
  const send = (message: unknown) => input.write(encodeJsonFrame(message));
  const until = async (count: number) => {
    for (let i = 0; i < 100 && received.length < count; i++) await new Promise((r) => setTimeout(r, 5));
    return received;
  };
  return { input, account, manager, send, until, received, done };
}

describe('the session and the account', () => {
  it('answers account and connect, pushes the account event when the login finishes, and refuses a bad token with its code', async () => {
    const session = start();
    session.send({ id: 'a', type: 'account' });
    session.send({ id: 'c', type: 'connect' });
    await session.until(2);
    expect(session.received).toContainEqual({ id: 'a', ok: true, type: 'account', account: DISCONNECTED });
    expect(session.received).toContainEqual(
      expect.objectContaining({ id: 'c', ok: true, type: 'connect', account: expect.objectContaining({ state: 'connecting' }) }),
    );
    session.account.finishLogin();
    await session.until(3);
    expect(session.received[2]).toEqual({
      type: 'account-event',
      account: expect.objectContaining({ state: 'connected', zone: 'example.com' }),
    });
    session.send({ id: 't', type: 'connect-token', token: 'x', hostname: 'app.example.com' });
    await session.until(4);
    expect(session.received[3]).toMatchObject({ id: 't', ok: false, error: { code: 'token-invalid' } });
    session.input.end();
    await session.done;
    expect(session.account.shutDown).toBe(true);
  });

  it('disconnect stops the stable shares first, and only those', async () => {
    const session = start();
    session.send({ id: 's1', type: 'share', origin: 'http://localhost:3000', address: { kind: 'stable' } });
    session.send({ id: 's2', type: 'share', origin: 'http://localhost:4000' });
    await session.until(4);
    session.send({ id: 'd', type: 'disconnect' });
    const stableId = session.manager.list().find((share) => share.address === 'stable')?.id;
    await session.until(6);
    const reply = session.received.find((m) => 'id' in m && m.id === 'd');
    expect(reply).toMatchObject({ ok: true, type: 'disconnect', stopped: [{ id: stableId, state: 'stopped', address: 'stable' }] });
    expect(session.manager.list().map((share) => share.address)).toEqual(['quick']);
    session.input.end();
    await session.done;
  });
});
