import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { ADDRESSES_KEY, choiceOf, readAddress, rememberAddress } from '../address-memory';

beforeEach(() => fakeBrowser.reset());

describe('remembered addresses', () => {
  const area = () => fakeBrowser.storage.local;

  it('a server never shared has nothing remembered, and shares quick', async () => {
    expect(await readAddress(area(), 'http://localhost:5173')).toBeNull();
    expect(choiceOf(null)).toEqual({ kind: 'quick' });
  });

  it('remembers the choice per server: localhost, 127.0.0.1 and [::1] on one port are one', async () => {
    await rememberAddress(area(), 'http://localhost:5173/page', { kind: 'stable', name: 'shop' });
    await rememberAddress(area(), 'http://localhost:3000', { kind: 'quick' });
    expect(await readAddress(area(), 'http://127.0.0.1:5173')).toEqual({ kind: 'stable', name: 'shop' });
    expect(await readAddress(area(), 'http://[::1]:5173/other')).toEqual({ kind: 'stable', name: 'shop' });
    expect(await readAddress(area(), 'http://localhost:3000')).toEqual({ kind: 'quick', name: null });
    expect(choiceOf(await readAddress(area(), 'http://localhost:5173'))).toEqual({ kind: 'stable', name: 'shop' });
    // A *.localhost name is a server of its own.
    expect(await readAddress(area(), 'http://shop.localhost:5173')).toBeNull();
  });

  it('going back to quick keeps the stable name, so stable proposes it again', async () => {
    await rememberAddress(area(), 'http://localhost:5173', { kind: 'stable', name: 'shop' });
    await rememberAddress(area(), 'http://localhost:5173', { kind: 'quick' });
    const remembered = await readAddress(area(), 'http://localhost:5173');
    expect(remembered).toEqual({ kind: 'quick', name: 'shop' });
    expect(choiceOf(remembered)).toEqual({ kind: 'quick' });
  });

  it('ignores what it cannot read: a name the host would refuse, an unknown kind', async () => {
    await area().set({
      [ADDRESSES_KEY]: { 'http://localhost:1': { kind: 'stable', name: 'Not A Label' }, 'http://localhost:2': { kind: 'fast' }, bad: 7 },
    });
    expect(await readAddress(area(), 'http://localhost:1')).toEqual({ kind: 'stable', name: null });
    expect(choiceOf(await readAddress(area(), 'http://localhost:1'))).toEqual({ kind: 'stable' });
    expect(await readAddress(area(), 'http://localhost:2')).toBeNull();
  });
});
