import { describe, expect, it } from 'vitest';
import { nextOriginCheckDelay, ORIGIN_ACTIVE_WINDOW_MS, ORIGIN_CHECK_ACTIVE_MS, ORIGIN_CHECK_IDLE_MAX_MS } from '../origin-watch.js';

describe('nextOriginCheckDelay', () => {
  it('looks every 2 s while visitors were there in the last 20 s', () => {
    expect(nextOriginCheckDelay({ reachable: true, sinceActivityMs: 5_000, lastDelayMs: 2000 })).toBe(ORIGIN_CHECK_ACTIVE_MS);
  });

  it('looks every 2 s while the origin is down or not yet known, however idle', () => {
    expect(nextOriginCheckDelay({ reachable: false, sinceActivityMs: 10 * ORIGIN_ACTIVE_WINDOW_MS, lastDelayMs: 15_000 })).toBe(2000);
    expect(nextOriginCheckDelay({ reachable: null, sinceActivityMs: 10 * ORIGIN_ACTIVE_WINDOW_MS, lastDelayMs: 15_000 })).toBe(2000);
  });

  it('backs off by doubling to 15 s on an idle share whose origin answers', () => {
    const delays: number[] = [];
    let last = ORIGIN_CHECK_ACTIVE_MS;
    for (let i = 0; i < 5; i++) {
      last = nextOriginCheckDelay({ reachable: true, sinceActivityMs: ORIGIN_ACTIVE_WINDOW_MS + i, lastDelayMs: last });
      delays.push(last);
    }
    expect(delays).toEqual([4000, 8000, 15_000, 15_000, 15_000]);
    expect(ORIGIN_CHECK_IDLE_MAX_MS).toBe(15_000);
  });

  it('honours a shorter active interval (tests, PORTHOLE_ORIGIN_POLL_MS)', () => {
    expect(nextOriginCheckDelay({ reachable: false, sinceActivityMs: 0, lastDelayMs: 0 }, 200)).toBe(200);
    expect(nextOriginCheckDelay({ reachable: true, sinceActivityMs: ORIGIN_ACTIVE_WINDOW_MS, lastDelayMs: 200 }, 200)).toBe(400);
  });
});
