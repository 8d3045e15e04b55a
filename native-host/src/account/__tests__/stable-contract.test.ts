/** The contract of stable addresses at the host's boundary: validation, and what the share manager makes of `address`. */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { PortholeError } from '../../errors.js';
import { validateRequest } from '../../protocol/index.js';
import { ShareManager, type ShareRuntime } from '../../share/share-manager.js';
import type { StablePlan } from '../account-manager.js';

class FakeRuntime extends EventEmitter implements ShareRuntime {
  configure(): void {}
  async stop(): Promise<unknown> {
    this.emit('exit', { code: 'tunnel-exited', message: 'stopped' });
    return undefined;
  }
  killNow(): void {}
}

describe('validation', () => {
  it('reads the address of share and share-folder', () => {
    expect(
      validateRequest({ id: '1', type: 'share', origin: 'http://localhost:3000', address: { kind: 'stable', name: 'myapp' } }),
    ).toMatchObject({
      ok: true,
      request: { address: { kind: 'stable', name: 'myapp' } },
    });
    expect(validateRequest({ id: '1', type: 'share-folder', path: '/srv/site', address: { kind: 'quick' } })).toMatchObject({
      ok: true,
      request: { address: { kind: 'quick' } },
    });
    const plain = validateRequest({ id: '1', type: 'share', origin: 'http://localhost:3000' });
    expect(plain.ok && 'address' in plain.request).toBe(false);
  });

  it.each([
    { kind: 'fixed' },
    'stable',
    { kind: 'stable', name: 7 },
    { kind: 'stable', name: '' },
    { kind: 'stable', name: 'a'.repeat(254) },
  ])('refuses address %j with bad-request', (address) => {
    const result = validateRequest({ id: '1', type: 'share', origin: 'http://localhost:3000', address });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('bad-request');
  });

  it('reads account, connect, disconnect and connect-token, and refuses a connect-token without its fields', () => {
    for (const type of ['account', 'connect', 'disconnect'])
      expect(validateRequest({ id: '1', type })).toEqual({ ok: true, request: { id: '1', type } });
    expect(validateRequest({ id: '1', type: 'connect-token', token: 'abc', hostname: 'app.example.com' })).toEqual({
      ok: true,
      request: { id: '1', type: 'connect-token', token: 'abc', hostname: 'app.example.com' },
    });
    expect(validateRequest({ id: '1', type: 'connect-token', hostname: 'app.example.com' }).ok).toBe(false);
    expect(validateRequest({ id: '1', type: 'connect-token', token: 'abc' }).ok).toBe(false);
    expect(validateRequest({ id: '1', type: 'connect-token', token: 'x'.repeat(5000), hostname: 'a.b' }).ok).toBe(false);
  });
});

describe('the share manager and stable addresses', () => {
  function manager(plan: (key: string, origin: string, name?: string) => StablePlan) {
    const started: (StablePlan | undefined)[] = [];
    const shares = new ShareManager({
      startShare: (_origin, _settings, stable) => {
        started.push(stable);
        return new FakeRuntime();
      },
      planStable: plan,
    });
    return { shares, started };
  }

  it('gives a stable share its planned hostname and passes the plan to the runtime; a quick one neither', () => {
    const { shares, started } = manager((key, _origin, name) => ({
      key,
      label: name ?? 'app-3000',
      hostname: `${name ?? 'app-3000'}.example.com`,
    }));
    const stable = shares.share('http://localhost:3000/', {}, undefined, { kind: 'stable', name: 'myapp' }).share;
    expect(stable).toMatchObject({ address: 'stable', hostname: 'myapp.example.com', state: 'starting' });
    expect(started[0]).toEqual({ key: 'http://localhost:3000', label: 'myapp', hostname: 'myapp.example.com' });
    const quick = shares.share('http://localhost:4000/').share;
    expect(quick).toMatchObject({ address: 'quick', hostname: null });
    expect(started[1]).toBeUndefined();
  });

  it('answers a refused plan with its coded error, and starts nothing', () => {
    const { shares, started } = manager(() => {
      throw new PortholeError('not-logged-in');
    });
    expect(() => shares.share('http://localhost:3000/', {}, undefined, { kind: 'stable' })).toThrow(PortholeError);
    try {
      shares.share('http://localhost:3000/', {}, undefined, { kind: 'stable' });
    } catch (error) {
      expect((error as PortholeError).hostError.code).toBe('not-logged-in');
    }
    expect(started).toEqual([]);
    expect(shares.list()).toEqual([]);
  });

  it('learns the hostname from the address when the zone was not known at first', () => {
    const runtime = new FakeRuntime();
    const shares = new ShareManager({ startShare: () => runtime, planStable: (key) => ({ key, label: 'myapp', hostname: null }) });
    const share = shares.share('http://localhost:3000/', {}, undefined, { kind: 'stable' }).share;
    expect(share.hostname).toBeNull();
    runtime.emit('url', 'https://myapp.example.com');
    expect(shares.list()[0]).toMatchObject({ hostname: 'myapp.example.com', url: 'https://myapp.example.com' });
  });
});
