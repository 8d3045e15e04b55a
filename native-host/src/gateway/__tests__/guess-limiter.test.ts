import { describe, expect, it } from 'vitest';
import {
  FIRST_LOCK_MS,
  FREE_GUESSES,
  GuessLimiter,
  lockFor,
  MAX_LOCK_MS,
  retryAfterSeconds,
  SHARE_BURST,
  SHARE_REFILL_MS,
} from '../guess-limiter.js';

function limiter(): { limiter: GuessLimiter; advance(ms: number): void } {
  let now = 0;
  return { limiter: new GuessLimiter(() => now), advance: (ms) => (now += ms) };
}

describe('GuessLimiter (issue 9)', () => {
  it('lets a visitor mistype a few times, then locks them out for longer and longer', () => {
    const { limiter: l, advance } = limiter();
    for (let i = 0; i < FREE_GUESSES; i++) {
      expect(l.check('a')).toEqual({ allowed: true });
      expect(l.failed('a')).toBe(0);
    }
    expect(l.failed('a')).toBe(FIRST_LOCK_MS);
    expect(l.check('a')).toEqual({ allowed: false, retryAfterMs: FIRST_LOCK_MS });
    advance(FIRST_LOCK_MS);
    expect(l.check('a').allowed).toBe(true);
    expect(l.failed('a')).toBe(2 * FIRST_LOCK_MS);
    expect(lockFor(100)).toBe(MAX_LOCK_MS);
  });

  it('never slows another visitor down, and a right password starts the visitor afresh', () => {
    const { limiter: l } = limiter();
    for (let i = 0; i < 20; i++) l.failed('a');
    expect(l.check('a').allowed).toBe(false);
    expect(l.check('b')).toEqual({ allowed: true });
    l.succeeded('a');
    expect(l.check('a')).toEqual({ allowed: true });
  });

  it('caps wrong guesses share-wide, whoever sends them, and refills slowly', () => {
    const { limiter: l, advance } = limiter();
    for (let i = 0; i < SHARE_BURST; i++) l.failed(`visitor-${i}`);
    expect(l.check('fresh')).toEqual({ allowed: false, retryAfterMs: SHARE_REFILL_MS });
    advance(SHARE_REFILL_MS);
    expect(l.check('fresh')).toEqual({ allowed: true });
    l.failed('fresh-2');
    expect(l.check('fresh-3').allowed).toBe(false);
  });

  it('Retry-After in whole seconds, at least one', () => {
    expect(retryAfterSeconds(1)).toBe(1);
    expect(retryAfterSeconds(1001)).toBe(2);
  });
});
