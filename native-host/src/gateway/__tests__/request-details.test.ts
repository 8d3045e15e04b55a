import { describe, expect, it } from 'vitest';
import { countryOf, inspectorHeaders, inspectorHeadersOf, MAX_HEADERS, VisitorTagger } from '../request-details.js';

describe('countryOf', () => {
  it.each([
    [{ 'cf-ipcountry': 'DE' }, 'DE'],
    [{ 'cf-ipcountry': 'jp' }, 'JP'],
    [{ 'cf-ipcountry': 'XX' }, null],
    [{ 'cf-ipcountry': 'T1' }, null],
    [{ 'cf-ipcountry': 'Germany' }, null],
    [{}, null],
  ])('%j → %s', (headers, expected) => {
    expect(countryOf(headers)).toBe(expected);
  });
});

describe('inspectorHeaders', () => {
  it('keeps names as sent, replaces credentials and the visitor’s address, cuts query strings from URLs', () => {
    expect(
      inspectorHeaders([
        'Host',
        'a-b.trycloudflare.com',
        'Cookie',
        'sid=secret',
        'Authorization',
        'Basic cGFzcw==',
        'Proxy-Authorization',
        'Basic eA==',
        'CF-Connecting-IP',
        '203.0.113.9',
        'X-Forwarded-For',
        '203.0.113.9',
        'Referer',
        'https://a-b.trycloudflare.com/login?token=abc',
        'Accept',
        'text/html',
      ]),
    ).toEqual([
      ['Host', 'a-b.trycloudflare.com'],
      ['Cookie', '…'],
      ['Authorization', '…'],
      ['Proxy-Authorization', '…'],
      ['CF-Connecting-IP', '…'],
      ['X-Forwarded-For', '…'],
      ['Referer', 'https://a-b.trycloudflare.com/login?…'],
      ['Accept', 'text/html'],
    ]);
  });

  it('keeps at most 40 headers, values cut to 200 characters', () => {
    const raw = Array.from({ length: 60 }, (_, i) => [`x-${i}`, 'a'.repeat(500)]).flat();
    const shown = inspectorHeaders(raw);
    expect(shown).toHaveLength(MAX_HEADERS);
    expect(shown[0]?.[1]).toHaveLength(200);
    expect(shown[0]?.[1].endsWith('…')).toBe(true);
  });

  it('reads a header object, one pair per value; set-cookie hidden', () => {
    expect(inspectorHeadersOf({ 'content-type': 'text/html', 'set-cookie': ['a=1', 'b=2'], 'content-length': 5 })).toEqual([
      ['content-type', 'text/html'],
      ['set-cookie', '…'],
      ['set-cookie', '…'],
      ['content-length', '5'],
    ]);
  });
});

describe('VisitorTagger', () => {
  it('gives one visitor one short tag, other visitors others, and another share other tags', () => {
    const share = new VisitorTagger();
    const tag = share.tag('203.0.113.9\u0000Firefox');
    expect(tag).toMatch(/^v[0-9a-f]{4}$/);
    expect(share.tag('203.0.113.9\u0000Firefox')).toBe(tag);
    const others = new Set(Array.from({ length: 20 }, (_, i) => share.tag(`198.51.100.${i}\u0000Firefox`)));
    expect(others.size).toBeGreaterThan(15);
    expect(tag).not.toContain('203');
    const another = new VisitorTagger();
    const differs = Array.from({ length: 5 }, (_, i) => another.tag(`x${i}`) !== share.tag(`x${i}`)).some(Boolean);
    expect(differs).toBe(true);
  });
});
