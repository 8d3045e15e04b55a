import { describe, expect, it } from 'vitest';
import { hostError } from '../../errors.js';
import type { Share } from '../../protocol/index.js';
import { createShare, nextShare, type ShareInput, tunnelEndVerdict } from '../share-transitions.js';

const start = () => createShare('s1', 'http://localhost:3000', 1000);
const run = (...inputs: ShareInput[]) => {
  let share = start();
  const changes: string[] = [];
  for (const input of inputs) {
    const next = nextShare(share, input);
    if (next === null) {
      changes.push('-');
      continue;
    }
    share = next.share;
    changes.push(next.change);
  }
  return { share, changes };
};

const URL_INPUT: ShareInput = { kind: 'url', url: 'https://a.trycloudflare.com' };
const DOWN: ShareInput = { kind: 'origin', reachable: false, warning: hostError('origin-unreachable') };
const UP: ShareInput = { kind: 'origin', reachable: true, warning: hostError('origin-unreachable') };

describe('share state machine', () => {
  it('goes starting → url → live → stopped', () => {
    const { share, changes } = run(URL_INPUT, { kind: 'live', verified: true }, { kind: 'stopped', at: 5000, reason: 'request' });
    expect(changes).toEqual(['url', 'live', 'stopped']);
    expect(share).toMatchObject({
      state: 'stopped',
      url: 'https://a.trycloudflare.com',
      startedAt: 1000,
      endedAt: 5000,
      error: null,
      stopReason: 'request',
      warnings: [],
    });
  });

  it('starts in starting with no address, default settings, no warnings and no traffic', () => {
    expect(start()).toEqual({
      id: 's1',
      origin: 'http://localhost:3000',
      state: 'starting',
      url: null,
      startedAt: 1000,
      endedAt: null,
      error: null,
      password: null,
      expiresAt: null,
      keepPublicHost: false,
      warnings: [],
      traffic: { requests: 0, visitors: 0, recent: [] },
      stopReason: null,
      restarts: 0,
      kind: 'server',
      folder: null,
      label: null,
    });
  });

  it('starts with the settings it was given', () => {
    expect(createShare('s2', 'http://localhost:1', 0, { password: 'pw', expiresAt: 60_000, keepPublicHost: true })).toMatchObject({
      password: 'pw',
      expiresAt: 60_000,
      keepPublicHost: true,
    });
  });

  it('does not go live before the address is known', () => {
    expect(run({ kind: 'live', verified: true }).changes).toEqual(['-']);
    expect(run({ kind: 'live', verified: true }).share.state).toBe('starting');
  });

  it('keeps the first address and ignores a second', () => {
    const { share, changes } = run(URL_INPUT, { kind: 'url', url: 'https://b.trycloudflare.com' });
    expect(changes).toEqual(['url', '-']);
    expect(share.url).toBe('https://a.trycloudflare.com');
  });

  it('goes live unverified with a warning, and drops it once verified', () => {
    const unverified = run(URL_INPUT, { kind: 'live', verified: false });
    expect(unverified.share.state).toBe('live');
    expect(unverified.share.warnings?.map((w) => w.code)).toEqual(['unverified']);
    const verified = run(URL_INPUT, { kind: 'live', verified: false }, { kind: 'verified' }, { kind: 'verified' });
    expect(verified.changes).toEqual(['url', 'live', 'verified', '-']);
    expect(verified.share.warnings).toEqual([]);
    expect(run(URL_INPUT, { kind: 'live', verified: true }, { kind: 'verified' }).changes).toEqual(['url', 'live', '-']);
  });

  it('tells when the origin goes away and when it is back, once each', () => {
    const { share, changes } = run(UP, DOWN, DOWN, URL_INPUT, UP, UP, DOWN);
    expect(changes).toEqual(['-', 'origin-unreachable', '-', 'url', 'origin-reachable', '-', 'origin-unreachable']);
    expect(share.warnings?.map((w) => w.code)).toEqual(['origin-unreachable']);
  });

  it('keeps both warnings apart', () => {
    const { share } = run(URL_INPUT, DOWN, { kind: 'live', verified: false }, UP);
    expect(share.warnings?.map((w) => w.code)).toEqual(['unverified']);
  });

  it('announces settings only when they change', () => {
    const settings = { password: 'x', expiresAt: 9000, keepPublicHost: true };
    const { share, changes } = run({ kind: 'configured', settings }, { kind: 'configured', settings: { ...settings } });
    expect(changes).toEqual(['configured', '-']);
    expect(share).toMatchObject(settings);
  });

  it('carries traffic', () => {
    const traffic = {
      requests: 3,
      visitors: 1,
      recent: [
        { method: 'GET', path: '/', status: 200, at: 5, ms: 1, country: 'DE', visitor: 'v1234', requestHeaders: [], responseHeaders: [] },
      ],
    };
    expect(run({ kind: 'traffic', traffic })).toMatchObject({ changes: ['traffic'], share: { traffic } });
  });

  it('records why a share stopped', () => {
    expect(run({ kind: 'stopped', at: 9, reason: 'expired' }).share).toMatchObject({ state: 'stopped', stopReason: 'expired', endedAt: 9 });
  });

  it('fails from starting, carrying the error', () => {
    const error = hostError('offline');
    const { share, changes } = run({ kind: 'failed', error, at: 2000 });
    expect(changes).toEqual(['failed']);
    expect(share).toMatchObject({ state: 'failed', error, endedAt: 2000, stopReason: null });
  });

  it('ignores everything after it has ended', () => {
    const { share, changes } = run(
      { kind: 'stopped', at: 2, reason: 'request' },
      URL_INPUT,
      { kind: 'live', verified: true },
      DOWN,
      { kind: 'traffic', traffic: { requests: 1, visitors: 1, recent: [] } },
      { kind: 'failed', error: hostError('internal'), at: 3 },
    );
    expect(changes).toEqual(['stopped', '-', '-', '-', '-', '-']);
    expect(share).toMatchObject({ state: 'stopped', url: null, error: null, endedAt: 2 });
  });
});

describe('tunnelEndVerdict: stopped, failed or restarted, in one place (issue 11)', () => {
  const share = (state: Share['state'], restarts = 0): Share => ({
    ...createShare('s', 'http://localhost:1', 0),
    state,
    url: 'https://a-b.trycloudflare.com',
    restarts,
  });

  it('a share asked to stop is stopped, whatever else', () => {
    expect(tunnelEndVerdict(share('live'), 'expired', [], 0, true)).toEqual({ kind: 'stopped', reason: 'expired' });
  });

  it('a live share restarts after 1, 2, 4 s, then fails; restarts older than five minutes no longer count', () => {
    expect(tunnelEndVerdict(share('live'), null, [], 10_000_000, true)).toEqual({ kind: 'restart', delayMs: 1000 });
    expect(tunnelEndVerdict(share('live', 1), null, [9_999_000], 10_000_000, true)).toEqual({ kind: 'restart', delayMs: 2000 });
    expect(tunnelEndVerdict(share('starting', 2), null, [9_990_000, 9_995_000], 10_000_000, true)).toEqual({
      kind: 'restart',
      delayMs: 4000,
    });
    expect(tunnelEndVerdict(share('live', 3), null, [9_990_000, 9_995_000, 9_999_000], 10_000_000, true)).toEqual({ kind: 'failed' });
    expect(tunnelEndVerdict(share('live', 3), null, [1, 2, 3], 10_000_000, true)).toEqual({ kind: 'restart', delayMs: 1000 });
  });

  it('a share that never went live fails, and so does one whose runtime cannot restart', () => {
    expect(tunnelEndVerdict(share('starting'), null, [], 0, true)).toEqual({ kind: 'failed' });
    expect(tunnelEndVerdict(share('live'), null, [], 0, false)).toEqual({ kind: 'failed' });
  });

  it('restarting clears the address and counts; the next address is announced as restarted', () => {
    const live = share('live');
    const restarting = nextShare({ ...live, warnings: [hostError('unverified')] }, { kind: 'restarting' });
    expect(restarting).toMatchObject({ change: 'restarting', share: { state: 'starting', url: null, restarts: 1, warnings: [] } });
    expect(nextShare(restarting!.share, { kind: 'url', url: 'https://c-d.trycloudflare.com' })).toMatchObject({
      change: 'restarted',
      share: { url: 'https://c-d.trycloudflare.com' },
    });
  });
});
