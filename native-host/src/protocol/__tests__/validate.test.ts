import { describe, expect, it } from 'vitest';
import { validateRequest } from '../validate.js';

describe('validateRequest', () => {
  it.each([
    [{ id: 'a', type: 'hello' }, { id: 'a', type: 'hello' }],
    [{ id: 'b', type: 'list' }, { id: 'b', type: 'list' }],
    [{ id: 'c', type: 'stop-all' }, { id: 'c', type: 'stop-all' }],
    [{ id: 'd', type: 'share', origin: 'http://localhost:5173' }, { id: 'd', type: 'share', origin: 'http://localhost:5173' }],
    [{ id: 'e', type: 'stop', shareId: 's1' }, { id: 'e', type: 'stop', shareId: 's1' }],
  ])('accepts %j', (input, request) => {
    expect(validateRequest(input)).toEqual({ ok: true, request });
  });

  it('drops unknown fields rather than passing them on', () => {
    expect(validateRequest({ id: 'a', type: 'hello', extra: 1 })).toEqual({ ok: true, request: { id: 'a', type: 'hello' } });
  });

  it.each([
    [null, null, /JSON object/],
    [[1, 2], null, /JSON object/],
    ['hello', null, /JSON object/],
    [{ type: 'hello' }, null, /"id"/],
    [{ id: 5, type: 'hello' }, null, /"id"/],
    [{ id: '', type: 'hello' }, null, /"id"/],
    [{ id: 'x'.repeat(129), type: 'hello' }, null, /"id"/],
    [{ id: 'a', type: 'explode' }, 'a', /Unknown request type "explode"/],
    [{ id: 'a' }, 'a', /Unknown request type undefined/],
    [{ id: 'a', type: 'share' }, 'a', /"origin"/],
    [{ id: 'a', type: 'share', origin: 42 }, 'a', /"origin"/],
    [{ id: 'a', type: 'share', origin: 'h'.repeat(2049) }, 'a', /"origin"/],
    [{ id: 'a', type: 'stop' }, 'a', /"shareId"/],
  ])('refuses %j with bad-request', (input, id, message) => {
    const result = validateRequest(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.id).toBe(id);
    expect(result.error.code).toBe('bad-request');
    expect(result.error.message).toMatch(message);
  });

  it('never takes fields from the prototype chain', () => {
    const polluted = JSON.parse('{"__proto__": {"id": "p", "type": "hello"}}');
    expect(validateRequest(polluted).ok).toBe(false);
    const inherited = Object.create({ id: 'p', type: 'hello' });
    expect(validateRequest(inherited).ok).toBe(false);
    expect(({} as Record<string, unknown>).id).toBeUndefined();
  });
});
