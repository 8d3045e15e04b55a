import { describe, expect, it } from 'vitest';
import { chooseVictim, VisitorSlots } from '../limits.js';

describe('VisitorSlots', () => {
  it('runs a visitor’s requests up to the limit, the rest in line, and other visitors at once', () => {
    const slots = new VisitorSlots(2);
    const started: string[] = [];
    const releases = ['a1', 'a2', 'a3', 'a4'].map((name) => slots.acquire('a', () => started.push(name)));
    slots.acquire('b', () => started.push('b1'));
    expect(started).toEqual(['a1', 'a2', 'b1']);
    releases[0]!();
    expect(started).toEqual(['a1', 'a2', 'b1', 'a3']);
    // A request that leaves the line (its visitor went away) never starts.
    releases[3]!();
    releases[1]!();
    releases[1]!();
    expect(started).toEqual(['a1', 'a2', 'b1', 'a3']);
    expect(slots.activeFor('a')).toBe(1);
    expect(slots.waitingFor('a')).toBe(0);
  });
});

describe('chooseVictim', () => {
  const c = (name: string, visitor: string | null, busy = 0) => ({ name, visitor, busy });
  it('closes the oldest connection that sent nothing yet', () => {
    expect(chooseVictim([c('x', 'a', 1), c('silent-1', null), c('silent-2', null)])?.name).toBe('silent-1');
  });
  it('else an idle one of the visitor holding the most, else that visitor’s newest', () => {
    expect(chooseVictim([c('b1', 'b', 1), c('a1', 'a', 1), c('a2', 'a', 0), c('a3', 'a', 1)])?.name).toBe('a2');
    expect(chooseVictim([c('b1', 'b', 1), c('a1', 'a', 1), c('a2', 'a', 1), c('b2', 'b', 0), c('a3', 'a', 1)])?.name).toBe('a3');
  });
  it('nothing to close when there is nothing', () => {
    expect(chooseVictim([])).toBeUndefined();
  });
});
