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

  describe('gateway settings', () => {
    it.each([
      [{ id: 'a', type: 'share', origin: 'http://localhost:1', options: { password: 'pw-long-enough', expiresInMinutes: 0.5, keepPublicHost: true, extra: 1 } }, { id: 'a', type: 'share', origin: 'http://localhost:1', options: { password: 'pw-long-enough', expiresInMinutes: 0.5, keepPublicHost: true } }],
      [{ id: 'a', type: 'share', origin: 'http://localhost:1', options: {} }, { id: 'a', type: 'share', origin: 'http://localhost:1', options: {} }],
      [{ id: 'a', type: 'share', origin: 'http://localhost:1', options: null }, { id: 'a', type: 'share', origin: 'http://localhost:1' }],
      [{ id: 'a', type: 'share', origin: 'http://localhost:1', options: { password: null, expiresInMinutes: null } }, { id: 'a', type: 'share', origin: 'http://localhost:1', options: { password: null, expiresInMinutes: null } }],
      [{ id: 'c', type: 'configure', shareId: 's1' }, { id: 'c', type: 'configure', shareId: 's1' }],
      [{ id: 'c', type: 'configure', shareId: 's1', password: null, expiresInMinutes: 10080, keepPublicHost: false }, { id: 'c', type: 'configure', shareId: 's1', password: null, expiresInMinutes: 10080, keepPublicHost: false }],
      [{ id: 'c', type: 'configure', shareId: 's1', password: 'é 🔑 : x'.repeat(10) }, { id: 'c', type: 'configure', shareId: 's1', password: 'é 🔑 : x'.repeat(10) }],
    ])('accepts %j', (input, request) => {
      expect(validateRequest(input)).toEqual({ ok: true, request });
    });

    it.each([
      [{ id: 'a', type: 'share', origin: 'http://localhost:1', options: 'pw' }, /"options", when given, must be an object/],
      [{ id: 'a', type: 'share', origin: 'http://localhost:1', options: [] }, /"options", when given, must be an object/],
      [{ id: 'a', type: 'share', origin: 'http://localhost:1', options: { password: 7 } }, /share option "password" must be a string of 8 to 256 characters/],
      [{ id: 'a', type: 'share', origin: 'http://localhost:1', options: { password: '' } }, /"password" is too short: .* at least 8 characters/],
      [{ id: 'a', type: 'configure', shareId: 's1', password: 'seven77' }, /configure field "password" is too short/],
      [{ id: 'a', type: 'configure', shareId: 's1', password: '🔑🔑🔑🔑🔑🔑🔑' }, /too short/],
      [{ id: 'a', type: 'share', origin: 'http://localhost:1', options: { password: 'x'.repeat(257) } }, /"password"/],
      [{ id: 'a', type: 'share', origin: 'http://localhost:1', options: { password: 'a\nb' } }, /without control characters/],
      [{ id: 'a', type: 'share', origin: 'http://localhost:1', options: { password: 42 } }, /"password"/],
      [{ id: 'a', type: 'share', origin: 'http://localhost:1', options: { expiresInMinutes: 0 } }, /"expiresInMinutes" must be a number of minutes above 0 and at most 10080/],
      [{ id: 'a', type: 'share', origin: 'http://localhost:1', options: { expiresInMinutes: 10081 } }, /"expiresInMinutes"/],
      [{ id: 'a', type: 'share', origin: 'http://localhost:1', options: { expiresInMinutes: '5' } }, /"expiresInMinutes"/],
      [{ id: 'a', type: 'share', origin: 'http://localhost:1', options: { keepPublicHost: 'yes' } }, /"keepPublicHost" must be true or false/],
      [{ id: 'c', type: 'configure' }, /configure request needs a "shareId"/],
      [{ id: 'c', type: 'configure', shareId: 's1', expiresInMinutes: -3 }, /configure field "expiresInMinutes"/],
      [{ id: 'c', type: 'configure', shareId: 's1', keepPublicHost: 1 }, /configure field "keepPublicHost"/],
    ])('refuses %j with bad-request', (input, message) => {
      const result = validateRequest(input);
      expect(result).toMatchObject({ ok: false, id: input.id, error: { code: 'bad-request', message: expect.stringMatching(message) } });
    });

    it('JSON cannot carry NaN or Infinity, but a direct caller is refused too', () => {
      expect(validateRequest({ id: 'c', type: 'configure', shareId: 's', expiresInMinutes: Number.POSITIVE_INFINITY }).ok).toBe(false);
      expect(validateRequest({ id: 'c', type: 'configure', shareId: 's', expiresInMinutes: Number.NaN }).ok).toBe(false);
    });
  });
});
