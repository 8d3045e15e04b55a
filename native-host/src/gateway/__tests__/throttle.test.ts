import { describe, expect, it } from 'vitest';
import { type Clock, Throttle } from '../throttle.js';

function fakeClock() {
  const timers: { at: number; task: () => void; id: number }[] = [];
  let id = 0;
  const clock: Clock & { t: number; advance(ms: number): void; pending(): number } = {
    t: 0,
    now: () => clock.t,
    setTimeout(task, ms) {
      timers.push({ at: clock.t + ms, task, id: ++id });
      return id;
    },
    clearTimeout(handle) {
      const index = timers.findIndex((timer) => timer.id === handle);
      if (index !== -1) timers.splice(index, 1);
    },
    advance(ms) {
      const until = clock.t + ms;
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        const next = timers[0];
        if (next === undefined || next.at > until) break;
        timers.shift();
        clock.t = next.at;
        next.task();
      }
      clock.t = until;
    },
    pending: () => timers.length,
  };
  return clock;
}

describe('Throttle', () => {
  it('runs the first change at once, folds a burst into one run at the end of the interval', () => {
    const clock = fakeClock();
    const runs: number[] = [];
    const throttle = new Throttle(500, () => runs.push(clock.now()), clock);
    throttle.poke();
    for (let i = 0; i < 50; i++) {
      clock.advance(5);
      throttle.poke();
    }
    expect(runs).toEqual([0]);
    clock.advance(500);
    expect(runs).toEqual([0, 500]);
    expect(clock.pending()).toBe(0);
  });

  it('never runs more than twice a second under steady traffic', () => {
    const clock = fakeClock();
    let runs = 0;
    const throttle = new Throttle(500, () => runs++, clock);
    for (let ms = 0; ms < 10_000; ms += 7) {
      throttle.poke();
      clock.advance(7);
    }
    clock.advance(1000);
    expect(runs).toBeGreaterThanOrEqual(19);
    expect(runs).toBeLessThanOrEqual(21);
  });

  it('runs at once again after a quiet spell', () => {
    const clock = fakeClock();
    const runs: number[] = [];
    const throttle = new Throttle(500, () => runs.push(clock.now()), clock);
    throttle.poke();
    clock.advance(2000);
    throttle.poke();
    expect(runs).toEqual([0, 2000]);
  });

  it('cancel drops the pending run', () => {
    const clock = fakeClock();
    let runs = 0;
    const throttle = new Throttle(500, () => runs++, clock);
    throttle.poke();
    throttle.poke();
    throttle.cancel();
    clock.advance(1000);
    expect(runs).toBe(1);
  });
});
