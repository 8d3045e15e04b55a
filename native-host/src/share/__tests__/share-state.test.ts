import { describe, expect, it } from 'vitest';
import { hostError } from '../../errors.js';
import { createShare, nextShare, type ShareInput } from '../share-state.js';

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

describe('share state machine', () => {
  it('goes starting → url → live → stopped', () => {
    const { share, changes } = run({ kind: 'url', url: 'https://a.trycloudflare.com' }, { kind: 'live' }, { kind: 'stopped', at: 5000 });
    expect(changes).toEqual(['url', 'live', 'stopped']);
    expect(share).toMatchObject({ state: 'stopped', url: 'https://a.trycloudflare.com', startedAt: 1000, endedAt: 5000, error: null });
  });

  it('starts in starting with no address', () => {
    expect(start()).toEqual({ id: 's1', origin: 'http://localhost:3000', state: 'starting', url: null, startedAt: 1000, endedAt: null, error: null });
  });

  it('does not go live before the address is known', () => {
    expect(run({ kind: 'live' }).changes).toEqual(['-']);
    expect(run({ kind: 'live' }).share.state).toBe('starting');
  });

  it('keeps the first address and ignores a second', () => {
    const { share, changes } = run({ kind: 'url', url: 'https://a.trycloudflare.com' }, { kind: 'url', url: 'https://b.trycloudflare.com' });
    expect(changes).toEqual(['url', '-']);
    expect(share.url).toBe('https://a.trycloudflare.com');
  });

  it('fails from starting, carrying the error', () => {
    const error = hostError('offline');
    const { share, changes } = run({ kind: 'failed', error, at: 2000 });
    expect(changes).toEqual(['failed']);
    expect(share).toMatchObject({ state: 'failed', error, endedAt: 2000 });
  });

  it('ignores everything after it has ended', () => {
    const { share, changes } = run({ kind: 'stopped', at: 2 }, { kind: 'url', url: 'https://x.trycloudflare.com' }, { kind: 'live' }, { kind: 'failed', error: hostError('internal'), at: 3 });
    expect(changes).toEqual(['stopped', '-', '-', '-']);
    expect(share).toMatchObject({ state: 'stopped', url: null, error: null, endedAt: 2 });
  });
});
