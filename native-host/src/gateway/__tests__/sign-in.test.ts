import { describe, expect, it } from 'vitest';
import { readSignInForm, SessionKey, safeNext, wantsHtml, withoutShareCookie } from '../sign-in.js';
import { normaliseAddress, visitorAddress } from '../visitor.js';

describe('safeNext: back to the page asked for, never off the share', () => {
  it.each([
    ['/docs?page=2', '/docs?page=2'],
    ['/', '/'],
    ['//evil.example/', '/'],
    ['/\\evil.example', '/'],
    ['https://evil.example/', '/'],
    ['javascript:alert(1)', '/'],
    ['/a\r\nSet-Cookie: x=1', '/'],
    ['/%0d%0a', '/%0d%0a'],
    ['', '/'],
    [null, '/'],
  ])('%j → %j', (next, expected) => {
    expect(safeNext(next)).toBe(expected);
  });
});

describe('SessionKey', () => {
  it('knows its own cookie among others, and forgets it when rotated', () => {
    const key = new SessionKey();
    const cookie = key.setCookieHeader().split(';')[0]!;
    expect(key.setCookieHeader()).toMatch(/; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    expect(key.verify(`a=1; ${cookie}; b=2`)).toBe(true);
    expect(key.verify('porthole_share=forged')).toBe(false);
    expect(key.verify(undefined)).toBe(false);
    expect(new SessionKey().verify(cookie)).toBe(false);
    key.rotate();
    expect(key.verify(cookie)).toBe(false);
  });
});

describe('cookies and forms', () => {
  it('takes only the share’s cookie out', () => {
    expect(withoutShareCookie('a=1; porthole_share=x; b=2')).toBe('a=1; b=2');
    expect(withoutShareCookie('porthole_share=x')).toBeUndefined();
    expect(withoutShareCookie('a=1')).toBe('a=1');
    expect(withoutShareCookie(undefined)).toBeUndefined();
  });

  it('reads the form, with a safe next', () => {
    expect(readSignInForm('password=a%20b%26c&next=%2Fx')).toEqual({ password: 'a b&c', next: '/x' });
    expect(readSignInForm('next=%2F%2Fevil')).toEqual({ password: '', next: '/' });
  });

  it('browser navigations want the page; scripts the challenge', () => {
    expect(wantsHtml('GET', 'text/html,application/xhtml+xml')).toBe(true);
    expect(wantsHtml('GET', '*/*')).toBe(false);
    expect(wantsHtml('POST', 'text/html')).toBe(false);
    expect(wantsHtml('GET', undefined)).toBe(false);
  });
});

describe('visitorAddress', () => {
  it('is CF-Connecting-IP, else the socket’s address; IPv6 by its /64', () => {
    expect(visitorAddress({ 'cf-connecting-ip': '203.0.113.7' }, '127.0.0.1')).toBe('203.0.113.7');
    expect(visitorAddress({}, '::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(normaliseAddress('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(normaliseAddress('2001:db8:1:2::9')).toBe(normaliseAddress('2001:0db8:0001:0002:ffff::1'));
    expect(normaliseAddress('2001:db8::1')).toBe('2001:db8:0:0::/64');
  });
});
