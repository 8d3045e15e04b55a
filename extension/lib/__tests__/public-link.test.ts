import { describe, expect, it } from 'vitest';
import { publicLinkFor, publicLinkForServer } from '../public-link';

const SHARE = 'https://plum-tree.trycloudflare.com';

describe('publicLinkFor: the link is the page in the tab', () => {
  it('carries the path, the query and the fragment of the tab', () => {
    expect(publicLinkFor(SHARE, 'http://localhost:5173/dashboard/settings?tab=2#billing')).toBe(
      'https://plum-tree.trycloudflare.com/dashboard/settings?tab=2#billing',
    );
  });

  it('gives the bare address for the root page, and for a share address written with a slash', () => {
    expect(publicLinkFor(SHARE, 'http://localhost:5173/')).toBe(SHARE);
    expect(publicLinkFor(`${SHARE}/`, 'http://localhost:5173/a')).toBe(`${SHARE}/a`);
  });

  it('keeps the page’s own escaping and a query without a path', () => {
    expect(publicLinkFor(SHARE, 'http://127.0.0.1:8000/caf%C3%A9/a%20b?q=x%26y&z=%2F')).toBe(`${SHARE}/caf%C3%A9/a%20b?q=x%26y&z=%2F`);
    expect(publicLinkFor(SHARE, 'http://localhost:3000?x=1')).toBe(`${SHARE}/?x=1`);
    expect(publicLinkFor(SHARE, 'http://localhost:3000/#/route/7')).toBe(`${SHARE}/#/route/7`);
  });

  it('never carries the tab’s user name, password or port', () => {
    const link = publicLinkFor(SHARE, 'http://me:secret@localhost:5173/x');
    expect(link).toBe(`${SHARE}/x`);
  });

  it('falls back to the share’s address with no tab or an unreadable URL', () => {
    expect(publicLinkFor(SHARE, null)).toBe(SHARE);
    expect(publicLinkFor(SHARE, 'not a url')).toBe(SHARE);
  });
});

describe('publicLinkForServer', () => {
  it('uses the tab’s page when it is on the shared server (localhost and 127.0.0.1 are one server)', () => {
    expect(publicLinkForServer(SHARE, 'http://localhost:5173', 'http://127.0.0.1:5173/docs?a=1#b')).toBe(`${SHARE}/docs?a=1#b`);
  });

  it('gives the root address for a tab on another server', () => {
    expect(publicLinkForServer(SHARE, 'http://localhost:5173', 'http://localhost:3000/docs')).toBe(SHARE);
    expect(publicLinkForServer(SHARE, 'http://localhost:5173', 'https://example.com/docs')).toBe(SHARE);
  });
});
