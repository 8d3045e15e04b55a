import { describe, expect, it } from 'vitest';
import { ACCOUNT_STATES, account, LOGIN_URL, withStable, ZONE } from '../../ui/__tests__/account-states';
import { hello, stateWith, tracked } from '../../ui/__tests__/popup-states';
import { applyShareEvent, hostStopped, parseState, stableTarget, withAccount } from '../porthole-state';

describe('the account in the state (issue 14)', () => {
  it('a stable address is on offer only from a host with the feature and a connected account', () => {
    expect(stableTarget(ACCOUNT_STATES.connected)).toEqual({ mode: 'cert', zone: ZONE });
    expect(stableTarget(ACCOUNT_STATES.token)).toEqual({ mode: 'token', hostname: 'preview.example.dev' });
    expect(stableTarget(ACCOUNT_STATES.disconnected)).toBeNull();
    expect(stableTarget(ACCOUNT_STATES.connecting)).toBeNull();
    expect(stableTarget(ACCOUNT_STATES.checking)).toBeNull();
    // The same account, but the host in use cannot make stable addresses.
    expect(stableTarget({ ...ACCOUNT_STATES.connected, hello: hello({ features: ['gateway', 'password'] }) })).toBeNull();
  });

  it('an account-event replaces what was known, and survives the session store', () => {
    const next = withAccount(ACCOUNT_STATES.connecting, account({ state: 'connected', mode: 'cert', zone: ZONE }));
    expect(next.account?.zone).toBe(ZONE);
    expect(parseState(JSON.parse(JSON.stringify(next))).account).toEqual(next.account);
    expect(parseState({ version: 1, shares: {} }).account).toBeNull();
  });

  it('a host that stops during a login ends the login: the options page offers Connect again', () => {
    const stopped = hostStopped(ACCOUNT_STATES.connecting, { status: 'unreachable', reason: 'Native host has exited.' }, 'exited', 10);
    expect(stopped.account).toMatchObject({ state: 'disconnected', loginUrl: null, error: { code: 'account-error' } });
    expect(ACCOUNT_STATES.connecting.account?.loginUrl).toBe(LOGIN_URL);
    // A connected account lives in the host's state folder, not in its process: it stays.
    expect(hostStopped(ACCOUNT_STATES.connected, { status: 'unreachable', reason: 'x' }, 'x', 10).account).toEqual(
      ACCOUNT_STATES.connected.account,
    );
  });

  it('a stable share restarted by the host keeps its address: no "the address changed" notice, nothing re-copied', () => {
    const stable = tracked({
      state: 'live',
      url: 'https://shop.example.dev',
      address: 'stable',
      hostname: 'shop.example.dev',
      restarts: 1,
    });
    const state = withStable(stateWith(stable), ACCOUNT_STATES.connected.account ?? null);
    const next = applyShareEvent(state, { type: 'share-event', change: 'restarted', share: stable.share }, 100);
    expect(next.lastError).toBeNull();
    expect(next.shares.s1?.whenUrlKnown).toBeNull();
    // A quick one does get both.
    const quick = tracked({ state: 'live', url: 'https://new.trycloudflare.com', restarts: 1 });
    const after = applyShareEvent(stateWith(quick), { type: 'share-event', change: 'restarted', share: quick.share }, 100);
    expect(after.lastError?.restarted).toBe(true);
  });
});
