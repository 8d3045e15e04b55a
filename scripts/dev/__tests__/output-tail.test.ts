import { describe, expect, it } from 'vitest';
import { minimumNode, satisfies } from '../build-node.js';
import { OutputTail } from '../output-tail.js';

describe('OutputTail', () => {
  it('keeps the last lines across chunk boundaries, blank lines dropped, the unfinished one included', () => {
    const tail = new OutputTail(3, 20);
    tail.push('one\ntw');
    tail.push('o\n\nthree\r\nfour\nfi');
    expect(tail.text()).toEqual(['three', 'four', 'fi']);
    tail.push(`${'x'.repeat(50)}\n`);
    expect(tail.text()).toEqual(['three', 'four', `fi${'x'.repeat(18)}…`]);
  });
});

describe('the Node npm start builds with', () => {
  it('reads the lowest version from engines and compares', () => {
    expect(minimumNode('>=22.12')).toEqual([22, 12]);
    expect(minimumNode('>= 22')).toEqual([22, 0]);
    expect(minimumNode('*')).toBeNull();
    expect(satisfies('20.20.2', [22, 12])).toBe(false);
    expect(satisfies('22.11.0', [22, 12])).toBe(false);
    expect(satisfies('v22.12.0', [22, 12])).toBe(true);
    expect(satisfies('24.1.0', [22, 12])).toBe(true);
  });
});
