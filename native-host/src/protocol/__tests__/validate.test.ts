import { describe, expect, it } from 'vitest';
import { validateRequest } from '../validate.js';

describe('validateRequest', () => {
  it.each([
    [
      { id: 'a', type: 'hello' },
      { id: 'a', type: 'hello' },
    ],
    [
      { id: 'b', type: 'list' },
      { id: 'b', type: 'list' },
    ],
    [
      { id: 'c', type: 'stop-all' },
      { id: 'c', type: 'stop-all' },
    ],
    [
      { id: 'd', type: 'share', origin: 'http://localhost:5173' },
      { id: 'd', type: 'share', origin: 'http://localhost:5173', settings: {} },
    ],
    [
      { id: 'e', type: 'stop', shareId: 's1' },
      { id: 'e', type: 'stop', shareId: 's1' },
    ],
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

  describe('share settings: one shape in share and configure', () => {
    const share = (settings: unknown) => ({ id: 'a', type: 'share', origin: 'http://localhost:1', settings });
    const configure = (settings: unknown) => ({ id: 'c', type: 'configure', shareId: 's1', settings });
    it.each([
      [
        share({ password: 'pw-long-enough', expiresInMinutes: 0.5, keepPublicHost: true, extra: 1 }),
        share({ password: 'pw-long-enough', expiresInMinutes: 0.5, keepPublicHost: true }),
      ],
      [share({}), share({})],
      [share(null), share({})],
      [{ id: 'a', type: 'share', origin: 'http://localhost:1' }, share({})],
      [share({ password: null, expiresInMinutes: null }), share({ password: null, expiresInMinutes: null })],
      [configure({}), configure({})],
      [
        configure({ password: null, expiresInMinutes: 10080, keepPublicHost: false }),
        configure({ password: null, expiresInMinutes: 10080, keepPublicHost: false }),
      ],
      [configure({ password: 'é 🔑 : x'.repeat(10) }), configure({ password: 'é 🔑 : x'.repeat(10) })],
      // Protocol 1 spelled them `options` (share) and beside the other fields (configure): an older
      // extension's password must never be dropped.
      [
        { id: 'a', type: 'share', origin: 'http://localhost:1', options: { password: 'pw-long-enough' } },
        share({ password: 'pw-long-enough' }),
      ],
      [
        { id: 'c', type: 'configure', shareId: 's1', password: 'pw-long-enough', expiresInMinutes: 5 },
        configure({ password: 'pw-long-enough', expiresInMinutes: 5 }),
      ],
      [{ id: 'c', type: 'configure', shareId: 's1' }, configure({})],
    ])('accepts %j', (input, request) => {
      expect(validateRequest(input)).toEqual({ ok: true, request });
    });

    it.each([
      [share('pw'), /"settings", when given, must be an object/],
      [share([]), /"settings", when given, must be an object/],
      [share({ password: 7 }), /setting "password" must be a string of 8 to 256 characters/],
      [share({ password: '' }), /"password" is too short: .* at least 8 characters/],
      [configure({ password: 'seven77' }), /setting "password" is too short/],
      [configure({ password: '🔑🔑🔑🔑🔑🔑🔑' }), /too short/],
      [share({ password: 'x'.repeat(257) }), /"password"/],
      [share({ password: 'a\nb' }), /without control characters/],
      [share({ password: 42 }), /"password"/],
      [share({ expiresInMinutes: 0 }), /"expiresInMinutes" must be a number of minutes above 0 and at most 10080/],
      [share({ expiresInMinutes: 10081 }), /"expiresInMinutes"/],
      [share({ expiresInMinutes: '5' }), /"expiresInMinutes"/],
      [share({ keepPublicHost: 'yes' }), /"keepPublicHost" must be true or false/],
      [{ id: 'c', type: 'configure' }, /configure request needs a "shareId"/],
      [configure({ expiresInMinutes: -3 }), /setting "expiresInMinutes"/],
      [configure({ keepPublicHost: 1 }), /setting "keepPublicHost"/],
      [{ id: 'a', type: 'share', origin: 'http://localhost:1', options: { password: '' } }, /setting "password"/],
      [{ id: 'c', type: 'configure', shareId: 's1', keepPublicHost: 1 }, /setting "keepPublicHost"/],
    ])('refuses %j with bad-request', (input, message) => {
      const result = validateRequest(input);
      expect(result).toMatchObject({ ok: false, id: input.id, error: { code: 'bad-request', message: expect.stringMatching(message) } });
    });

    it('JSON cannot carry NaN or Infinity, but a direct caller is refused too', () => {
      expect(
        validateRequest({ id: 'c', type: 'configure', shareId: 's', settings: { expiresInMinutes: Number.POSITIVE_INFINITY } }).ok,
      ).toBe(false);
      expect(validateRequest({ id: 'c', type: 'configure', shareId: 's', settings: { expiresInMinutes: Number.NaN } }).ok).toBe(false);
    });
  });
});
