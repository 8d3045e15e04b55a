import { describe, expect, it } from 'vitest';
import {
  applyShareEvent,
  clearPending,
  dismiss,
  failedShares,
  hostStopped,
  INITIAL_STATE,
  liveShares,
  type PortholeState,
  parseState,
  reconcileWithList,
  shareForOrigin,
  startPending,
  upsertShare,
  withHello,
} from '../porthole-state';
import { TEST_HELLO } from './scripted-host';
import { share } from './share-fixture';

/** The extension's pure state: what the popup shows, folded from the host's replies and events. */

const connected: PortholeState = { ...INITIAL_STATE, host: { status: 'connected' } };
const ids = (state: PortholeState) => Object.keys(state.shares).sort();

describe('porthole state', () => {
  it('finds a page’s share by its server: every loopback name of the port, not a *.localhost name', () => {
    const state = upsertShare(connected, share({ origin: 'http://127.0.0.1:3000' }));
    for (const page of ['http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000', 'http://0.0.0.0:3000']) {
      expect(shareForOrigin(state, page).tracked?.share.id).toBe('s1');
    }
    expect(shareForOrigin(state, 'http://app.localhost:3000').tracked).toBeNull();
    expect(shareForOrigin(state, 'https://localhost:3000').tracked).toBeNull();
    expect(shareForOrigin(state, 'http://localhost:3001').tracked).toBeNull();
  });

  it('files a request in flight under its server, and clears it under any name of that server', () => {
    const pending = startPending(connected, 'http://127.0.0.1:5173', 4, 10);
    expect(shareForOrigin(pending, 'http://localhost:5173').pending).toEqual({ origin: 'http://127.0.0.1:5173', tabId: 4, since: 10 });
    expect(clearPending(pending, 'http://localhost:5173').pending).toEqual({});
    expect(clearPending(pending, 'http://localhost:5174')).toBe(pending);
  });

  it('a new share replaces an ended one of the same server, keeps other servers’ and never revives an ended one', () => {
    let state = upsertShare(connected, share({ id: 'old', state: 'failed', origin: 'http://localhost:3000' }));
    state = upsertShare(state, share({ id: 'other', state: 'failed', origin: 'http://app.localhost:3000' }));
    state = upsertShare(state, share({ id: 'new', state: 'starting', origin: 'http://127.0.0.1:3000' }), { tabId: 9 });
    expect(ids(state)).toEqual(['new', 'other']);
    expect(state.shares.new?.tabId).toBe(9);
    const stopped = upsertShare(state, share({ id: 'other', state: 'live', origin: 'http://app.localhost:3000' }));
    expect(stopped).toBe(state);
  });

  it('a share stopped on request is gone; one whose time was up leaves a notice for its page', () => {
    const state = upsertShare(connected, share());
    expect(
      applyShareEvent(state, { type: 'share-event', change: 'stopped', share: share({ state: 'stopped', stopReason: 'request' }) }, 500),
    ).toEqual({ ...state, shares: {} });
    const expired = applyShareEvent(
      state,
      { type: 'share-event', change: 'stopped', share: share({ state: 'stopped', stopReason: 'expired' }) },
      500,
    );
    expect(expired.shares).toEqual({});
    expect(expired.lastError).toEqual({
      message: expect.stringContaining('its time was up'),
      origin: 'http://localhost:3000',
      at: 500,
      expired: true,
    });
    // An expiry of a share this state never knew leaves nothing to say.
    expect(
      applyShareEvent(connected, { type: 'share-event', change: 'stopped', share: share({ state: 'stopped', stopReason: 'expired' }) }, 500)
        .lastError,
    ).toBeNull();
  });

  it('agrees with the host’s list: a live share the host no longer has ended without a word and is shown failed', () => {
    let state = upsertShare(connected, share({ id: 'kept' }), { tabId: 1 });
    state = upsertShare(state, share({ id: 'lost', origin: 'http://localhost:4000' }), { tabId: 2 });
    const next = reconcileWithList(state, [share({ id: 'kept', traffic: { requests: 3, visitors: 1, recent: [] } })], 900);
    expect(next.shares.kept).toMatchObject({ tabId: 1, share: { state: 'live', traffic: { requests: 3 } } });
    expect(next.shares.lost?.share).toMatchObject({
      state: 'failed',
      endedAt: 900,
      error: { code: 'tunnel-exited', message: expect.stringMatching(/restarted Porthole’s background/) },
    });
    expect(liveShares(next).map((tracked) => tracked.share.id)).toEqual(['kept']);
    expect(failedShares(next).map((tracked) => tracked.share.id)).toEqual(['lost']);
  });

  it('when the host stops, its live shares end with it, requests in flight are dropped and its hello forgotten', () => {
    let state = withHello(upsertShare(connected, share()), TEST_HELLO);
    state = startPending(state, 'http://localhost:4000', 2, 10);
    const next = hostStopped(state, { status: 'unreachable', reason: 'Native host has exited.' }, 'Native host has exited.', 700);
    expect(next.shares.s1?.share).toMatchObject({
      state: 'failed',
      endedAt: 700,
      error: { message: expect.stringContaining('porthole-host) stopped (Native host has exited.)') },
    });
    expect(next.pending).toEqual({});
    expect(next.hello).toBeNull();
    expect(next.host).toEqual({ status: 'unreachable', reason: 'Native host has exited.' });
  });

  it('dismisses a failed share or the last error, never a running share', () => {
    const state = upsertShare(upsertShare(connected, share()), share({ id: 'f', state: 'failed', origin: 'http://localhost:4000' }));
    expect(ids(dismiss(state, 'f'))).toEqual(['s1']);
    expect(dismiss(state, 's1')).toBe(state);
    expect(dismiss({ ...state, lastError: { message: 'x', origin: null, at: 1 } }, null).lastError).toBeNull();
  });

  it('reads back what it stored, and anything unrecognisable as the initial state', () => {
    const state = withHello(upsertShare(connected, share()), TEST_HELLO);
    expect(parseState(JSON.parse(JSON.stringify(state)))).toEqual(state);
    expect(parseState({ version: 1, shares: {} })).toEqual({ ...INITIAL_STATE, shares: {} });
    expect(parseState({ version: 2, shares: {} })).toBe(INITIAL_STATE);
    expect(parseState('nonsense')).toBe(INITIAL_STATE);
  });
});
