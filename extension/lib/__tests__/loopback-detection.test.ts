import { describe, expect, it } from 'vitest';
import { describePage } from '../../ui/page-info';
import { LOOPBACK_MATCH_PATTERNS } from '../loopback-match-patterns';
import { isLoopbackUrl } from '../protocol';

/**
 * Which pages Porthole offers to share. The rule is the protocol's (the host applies the same);
 * this table pins what the popup and the context menu make of it.
 */
const TABLE: Array<[url: string, shareable: boolean, origin?: string]> = [
  ['http://localhost:3000/', true, 'http://localhost:3000'],
  ['http://localhost/', true, 'http://localhost'],
  ['https://localhost:8443/app?x=1#top', true, 'https://localhost:8443'],
  ['http://LOCALHOST:5173/', true, 'http://localhost:5173'],
  ['http://app.localhost:8080/', true, 'http://app.localhost:8080'],
  ['http://a.b.localhost:1234/', true, 'http://a.b.localhost:1234'],
  ['http://127.0.0.1:8000/', true, 'http://127.0.0.1:8000'],
  ['http://127.1.2.3:9000/', true, 'http://127.1.2.3:9000'],
  ['http://127.255.255.254/', true, 'http://127.255.255.254'],
  ['http://[::1]:4200/', true, 'http://[::1]:4200'],
  ['https://[::1]/', true, 'https://[::1]'],
  ['http://2130706433:8080/', true, 'http://127.0.0.1:8080'],
  ['http://localhost.example.com/', false],
  ['http://mylocalhost/', false],
  ['http://128.0.0.1/', false],
  ['http://192.168.1.10:3000/', false],
  ['http://10.0.0.1/', false],
  ['http://0.0.0.0:3000/', true, 'http://127.0.0.1:3000'],
  ['http://0.0.0.1:3000/', false],
  ['http://[::2]/', false],
  ['https://example.com/', false],
  ['file:///home/me/index.html', false],
  ['chrome://extensions/', false],
  ['about:blank', false],
  ['ws://localhost:3000/', false],
  ['http://user:pass@localhost:3000/', false],
  ['not a url', false],
];

describe('localhost detection', () => {
  it.each(TABLE)('%s → shareable: %s', (url, shareable, origin) => {
    expect(isLoopbackUrl(url)).toBe(shareable);
    const page = describePage({ id: 1, url });
    if (shareable) expect(page).toEqual({ kind: 'loopback', tabId: 1, origin, url });
    // A page opened from disk is not a local server, but its folder can be shared (issue 13).
    else expect(page.kind).toBe(url.startsWith('file:') ? 'file' : 'other');
  });

  it('treats a tab whose address the browser withholds as not shareable', () => {
    expect(describePage({ id: 4 })).toEqual({ kind: 'other', tabId: 4, url: null });
    expect(describePage(undefined)).toEqual({ kind: 'other', tabId: null, url: null });
  });

  /**
   * The browsers' rule for the `scheme://host/*` patterns used here: same scheme, and the host
   * equal, or for `*.name` equal to name or ending in `.name`; the port is ignored. (WXT's own
   * MatchPattern rejects IPv6 hosts, which Chromium and Firefox accept.)
   */
  const matches = (pattern: string, url: string): boolean => {
    const [, scheme, host] = /^(https?):\/\/([^/]+)\/\*$/.exec(pattern) ?? [];
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return false;
    }
    if (!scheme || !host || parsed.protocol !== `${scheme}:`) return false;
    if (host.startsWith('*.')) return parsed.hostname === host.slice(2) || parsed.hostname.endsWith(host.slice(1));
    return parsed.hostname === host;
  };
  const matchesMenu = (url: string) => LOOPBACK_MATCH_PATTERNS.some((pattern) => matches(pattern, url));

  it.each([
    'http://localhost:3000/',
    'https://localhost/',
    'http://app.localhost:8080/x',
    'http://127.0.0.1:8000/',
    'https://127.0.0.1/',
    'http://[::1]:4200/',
  ])('the context menu appears on %s', (url) => {
    expect(matchesMenu(url)).toBe(true);
  });

  it.each(['https://example.com/', 'http://localhost.example.com/', 'http://192.168.1.10/', 'file:///tmp/x.html'])(
    'the context menu stays away from %s',
    (url) => {
      expect(matchesMenu(url)).toBe(false);
    },
  );

  it('the menu patterns promise no more than the rule, except on addresses with credentials', () => {
    // Patterns cannot see a user name in the URL; clicking the item there explains the refusal.
    for (const [url] of TABLE) if (matchesMenu(url) && !url.includes('@')) expect(isLoopbackUrl(url), url).toBe(true);
  });
});
