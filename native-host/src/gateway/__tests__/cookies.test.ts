import { describe, expect, it } from 'vitest';
import { isLoopbackCookieDomain, rewriteSetCookies, withoutLoopbackDomain } from '../cookies.js';

describe('withoutLoopbackDomain', () => {
  it.each([
    ['sid=abc; Domain=localhost; Path=/; HttpOnly', 'sid=abc; Path=/; HttpOnly'],
    ['sid=abc; domain=.localhost; Path=/', 'sid=abc; Path=/'],
    ['sid=abc; DOMAIN=LocalHost', 'sid=abc'],
    ['sid=abc; Path=/; Domain=127.0.0.1; Secure', 'sid=abc; Path=/; Secure'],
    ['sid=abc; Domain=[::1]; SameSite=Lax', 'sid=abc; SameSite=Lax'],
    ['sid=abc; Domain=::1', 'sid=abc'],
    ['sid=abc;Domain = localhost ;Path=/', 'sid=abc;Path=/'],
    ['sid=abc; Domain=app.localhost; Path=/', 'sid=abc; Path=/'],
    ['sid=abc; Domain=127.0.0.2', 'sid=abc'],
  ])('drops the loopback Domain of %s', (input, expected) => {
    expect(withoutLoopbackDomain(input)).toBe(expected);
  });

  it.each([
    'sid=abc; Path=/; HttpOnly',
    'sid=abc; Domain=example.com; Path=/',
    'sid=abc; Domain=localhost.example.com',
    'sid=abc; Domain=mylocalhost',
    // A cookie whose value mentions a domain is not an attribute.
    'domain=localhost; Path=/',
    'sid=abc; Domain=',
  ])('leaves %s as it is', (input) => {
    expect(withoutLoopbackDomain(input)).toBe(input);
  });

  it('rewrites every cookie of a response and keeps their order', () => {
    expect(rewriteSetCookies(['a=1; Domain=localhost', 'b=2; Domain=example.com', 'c=3'])).toEqual([
      'a=1',
      'b=2; Domain=example.com',
      'c=3',
    ]);
    expect(rewriteSetCookies(undefined)).toBeUndefined();
  });

  it('knows the names of this computer', () => {
    expect(isLoopbackCookieDomain('.LOCALHOST')).toBe(true);
    expect(isLoopbackCookieDomain('0.0.0.0')).toBe(true);
    expect(isLoopbackCookieDomain('trycloudflare.com')).toBe(false);
  });
});
