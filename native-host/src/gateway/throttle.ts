/**
 * Coalesces bursts into at most one call per interval: the first change after a quiet spell goes
 * out at once, changes within the interval are folded into one call at its end. Traffic events go
 * through this so that a page load of 80 requests is two or three messages to the browser, not 80.
 */

export interface Clock {
  now(): number;
  setTimeout(task: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (task, ms) => {
    const timer = setTimeout(task, ms);
    timer.unref();
    return timer;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class Throttle {
  private lastRun = Number.NEGATIVE_INFINITY;
  private pending: unknown = null;

  constructor(
    private readonly intervalMs: number,
    private readonly run: () => void,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Something changed: run now, or once at the end of the current interval. */
  poke(): void {
    if (this.pending !== null) return;
    const wait = this.lastRun + this.intervalMs - this.clock.now();
    if (wait <= 0) {
      this.fire();
      return;
    }
    this.pending = this.clock.setTimeout(() => {
      this.pending = null;
      this.fire();
    }, wait);
  }

  /** Drops a pending run (the share ended). */
  cancel(): void {
    if (this.pending !== null) this.clock.clearTimeout(this.pending);
    this.pending = null;
  }

  private fire(): void {
    this.lastRun = this.clock.now();
    this.run();
  }
}
