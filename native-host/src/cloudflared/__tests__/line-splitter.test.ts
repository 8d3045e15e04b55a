import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../line-splitter.js';

describe('LineSplitter', () => {
  it('carries a partial line to the next chunk', () => {
    const splitter = new LineSplitter();
    expect(splitter.push(Buffer.from('first\nsec'))).toEqual(['first']);
    expect(splitter.push(Buffer.from('ond\r\nthird'))).toEqual(['second']);
    expect(splitter.end()).toEqual(['third']);
  });

  it('does not break a multi-byte character split across chunks', () => {
    const bytes = Buffer.from('│ box │\n');
    const splitter = new LineSplitter();
    const lines = [...splitter.push(bytes.subarray(0, 1)), ...splitter.push(bytes.subarray(1))];
    expect(lines).toEqual(['│ box │']);
  });

  it('cuts a runaway line instead of growing without end', () => {
    const splitter = new LineSplitter();
    const lines = splitter.push(Buffer.alloc(70 * 1024, 0x61));
    expect(lines).toHaveLength(1);
    expect(splitter.end()).toEqual([]);
  });
});
