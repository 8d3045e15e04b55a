/**
 * Logins in a shared app work for visitors (issue 11): an app that signs people in with a cookie
 * for `Domain=localhost` is shared, and a visitor in real Chromium, on the public https name,
 * signs in and stays signed in. Without the gateway removing that Domain, Chromium drops the cookie
 * (it is not for the page's host) and the visitor is sent back to the form on every page.
 */
import { createServer } from 'node:http';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { shareForBrowserVisitor } from './tls-edge.js';

const fakeCloudflared = inject('fakeCloudflared');
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The app: a form on /, POST /login sets the session cookie for localhost, /account needs it. */
async function startLoginApp(): Promise<number> {
  const server = createServer((req, res) => {
    const signedIn = /(?:^|;\s*)session=alice-7f3a(?:;|$)/.test(req.headers.cookie ?? '');
    if (req.method === 'POST' && req.url === '/login') {
      res.writeHead(303, {
        location: '/account',
        'set-cookie': 'session=alice-7f3a; Domain=localhost; Path=/; HttpOnly; SameSite=Lax',
      });
      res.end();
      return;
    }
    if (req.url === '/account' && !signedIn) {
      res.writeHead(303, { location: '/' });
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      req.url === '/account'
        ? '<!doctype html><title>account</title><h1>Signed in as alice</h1>'
        : '<!doctype html><title>sign in</title><form method="post" action="/login"><button>Sign in</button></form>',
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return (server.address() as { port: number }).port;
}

describe('a shared app that signs people in with a cookie for localhost', () => {
  it('a visitor on the public name signs in and stays signed in, page after page', async () => {
    const port = await startLoginApp();
    const { publicUrl, browser } = await shareForBrowserVisitor(fakeCloudflared, `http://localhost:${port}`, cleanups);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${publicUrl}/`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Signed in as alice' }).waitFor({ timeout: 10_000 });

    // The cookie belongs to the public name now, and comes back on the next visit.
    const cookies = await context.cookies(publicUrl);
    expect(cookies.map((cookie) => ({ name: cookie.name, domain: cookie.domain }))).toEqual([
      { name: 'session', domain: new URL(publicUrl).hostname },
    ]);
    await page.goto(`${publicUrl}/account`);
    await expect(page.getByRole('heading').textContent()).resolves.toBe('Signed in as alice');
  });
});
