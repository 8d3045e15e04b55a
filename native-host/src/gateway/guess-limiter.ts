/**
 * How many wrong passwords a share answers (issue 9: about 1,400 wrong guesses a second were answered
 * before). Pure: the clock is a parameter.
 *
 * - Per visitor (visitor.ts): the first FREE_GUESSES wrong passwords cost nothing (people mistype);
 *   each one after that locks the visitor out for twice as long as the last, from 1 s up to 5 min.
 *   While locked out, the visitor's tries are not even checked: they get 429 and Retry-After.
 * - Per share: at most SHARE_BURST wrong passwords, refilled at one per SHARE_REFILL_MS, whoever
 *   sends them: many addresses guessing together (a botnet, or one attacker with many IPv4
 *   addresses) cannot go faster than that. When it is spent, password checks pause for everyone
 *   (429) until it refills; visitors already signed in (cookie) are not affected.
 * - A right password clears the visitor's count and is never slowed by other visitors' guesses
 *   until the share-wide budget is spent, which one visitor alone cannot do (see the test).
 *
 * Memory is bounded: at most MAX_VISITORS records, the least recently failed dropped first.
 */

export const FREE_GUESSES = 5;
export const FIRST_LOCK_MS = 1000;
export const MAX_LOCK_MS = 5 * 60_000;
export const SHARE_BURST = 100;
export const SHARE_REFILL_MS = 10_000;
/** A visitor's count is forgotten after this long without a wrong password. */
export const FORGET_AFTER_MS = 60 * 60_000;
export const MAX_VISITORS = 10_000;

interface Record {
  failures: number;
  lockedUntil: number;
  lastFailure: number;
}

export type GuessVerdict = { allowed: true } | { allowed: false; retryAfterMs: number };

export class GuessLimiter {
  private readonly visitors = new Map<string, Record>();
  private shareTokens = SHARE_BURST;
  private shareRefilledAt: number;

  constructor(private readonly now: () => number = () => performance.now()) {
    this.shareRefilledAt = this.now();
  }

  /** May this visitor's password be checked now? */
  check(visitor: string): GuessVerdict {
    const now = this.now();
    const record = this.current(visitor, now);
    if (record !== undefined && record.lockedUntil > now) return { allowed: false, retryAfterMs: record.lockedUntil - now };
    this.refill(now);
    if (this.shareTokens < 1) return { allowed: false, retryAfterMs: SHARE_REFILL_MS - (now - this.shareRefilledAt) };
    return { allowed: true };
  }

  /** A wrong password from this visitor (after check() allowed it). Returns how long the visitor is now locked out (0: not). */
  failed(visitor: string): number {
    const now = this.now();
    this.refill(now);
    this.shareTokens = Math.max(0, this.shareTokens - 1);
    const record = this.current(visitor, now) ?? { failures: 0, lockedUntil: 0, lastFailure: now };
    record.failures++;
    record.lastFailure = now;
    const lockMs = lockFor(record.failures);
    record.lockedUntil = now + lockMs;
    // Re-inserted, so the map's order is least recently failed first.
    this.visitors.delete(visitor);
    this.visitors.set(visitor, record);
    if (this.visitors.size > MAX_VISITORS) {
      const oldest = this.visitors.keys().next().value;
      if (oldest !== undefined) this.visitors.delete(oldest);
    }
    return lockMs;
  }

  /** The right password: the visitor starts afresh. */
  succeeded(visitor: string): void {
    this.visitors.delete(visitor);
  }

  private current(visitor: string, now: number): Record | undefined {
    const record = this.visitors.get(visitor);
    if (record !== undefined && now - record.lastFailure > FORGET_AFTER_MS) {
      this.visitors.delete(visitor);
      return undefined;
    }
    return record;
  }

  private refill(now: number): void {
    const earned = Math.floor((now - this.shareRefilledAt) / SHARE_REFILL_MS);
    if (earned <= 0) return;
    this.shareTokens = Math.min(SHARE_BURST, this.shareTokens + earned);
    this.shareRefilledAt = this.shareTokens === SHARE_BURST ? now : this.shareRefilledAt + earned * SHARE_REFILL_MS;
  }
}

/** How long the n-th wrong password locks its visitor out. */
export function lockFor(failures: number): number {
  if (failures <= FREE_GUESSES) return 0;
  return Math.min(MAX_LOCK_MS, FIRST_LOCK_MS * 2 ** (failures - FREE_GUESSES - 1));
}

/** For Retry-After: whole seconds, at least 1. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
