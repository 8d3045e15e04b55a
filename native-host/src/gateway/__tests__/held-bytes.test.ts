import { describe, expect, it } from 'vitest';
import { HeldBytes } from '../held-bytes.js';

describe('HeldBytes (the share-wide budget for scripts held to rewrite)', () => {
  it('takes while there is room, refuses past the budget without taking, and counts the peak', () => {
    const held = new HeldBytes(100);
    expect(held.take(60)).toBe(true);
    expect(held.take(50)).toBe(false);
    expect(held.current).toBe(60);
    expect(held.take(40)).toBe(true);
    held.give(70);
    expect(held.current).toBe(30);
    expect(held.peak).toBe(100);
    held.give(500);
    expect(held.current).toBe(0);
  });
});
