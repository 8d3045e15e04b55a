/**
 * The share's sign-in page in Debian's Chromium (issue 9): what a visitor who was sent a
 * password-protected share sees instead of the browser's basic-auth dialog. The gateway runs in its
 * own process on loopback (native-host/test/gateway-harness), the browser opens it at its own
 * `localhost` address — a secure context, like the share's https address, so the `Secure` cookie
 * is kept — and no extension is needed.
 */
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GatewayProcess } from '../../../native-host/test/gateway-harness/gateway-driver';
import { CountingOrigin } from '../../../native-host/test/gateway-harness/raw-http';
import { CHROMIUM } from './chromium-harness';

let browser: Browser;
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--no-sandbox'],
  });
});
afterAll(() => browser.close());
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const PASSWORD = 'correct horse battery staple';

async function setUp(): Promise<{ gateway: GatewayProcess; origin: CountingOrigin; page: Page; base: string }> {
  const origin = await CountingOrigin.start((seen, respond) =>
    respond(
      200,
      `<!doctype html><title>Shared</title><h1>the shared page</h1><p id="path">${seen.url}</p><p id="cookie">${seen.headers.cookie ?? ''}</p>`,
      { 'content-type': 'text/html' },
    ),
  );
  cleanups.push(() => origin.close());
  const gateway = await GatewayProcess.start({ origin: origin.origin, password: PASSWORD });
  cleanups.push(() => gateway.stop());
  const context = await browser.newContext();
  cleanups.push(() => context.close());
  const page = await context.newPage();
  return { gateway, origin, page, base: `http://localhost:${gateway.port}` };
}

/** WCAG contrast ratio of two computed CSS colours (`rgb(…)`). */
function contrast(a: string, b: string): number {
  const luminance = (color: string): number => {
    const [r, g, bl] = (color.match(/[\d.]+/g) ?? [])
      .slice(0, 3)
      .map(Number)
      .map((v) => {
        const c = v / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
    return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (bl ?? 0);
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light! + 0.05) / (dark! + 0.05);
}

/** Every text on the sign-in page against its background, and the field's border: WCAG AA. */
async function checkContrast(page: Page): Promise<void> {
  const colours = await page.evaluate(() => {
    const style = (selector: string) => getComputedStyle(document.querySelector(selector)!);
    const bg = getComputedStyle(document.body).backgroundColor;
    return {
      bg,
      texts: ['h1', 'p', 'label', 'small', '.error']
        .filter((s) => document.querySelector(s) !== null)
        .map((s) => [s, style(s).color] as const),
      button: [style('button').color, style('button').backgroundColor] as const,
      border: style('input').borderTopColor,
    };
  });
  for (const [selector, colour] of colours.texts) expect(contrast(colour, colours.bg), `${selector} text`).toBeGreaterThanOrEqual(4.5);
  expect(contrast(colours.button[0], colours.button[1]), 'button text').toBeGreaterThanOrEqual(4.5);
  expect(contrast(colours.border, colours.bg), 'field border').toBeGreaterThanOrEqual(3);
}

describe('the sign-in page of a password-protected share, in Chromium', () => {
  it('wrong password: an error; right password: the page asked for; the cookie keeps working; a new password signs out', async () => {
    const { gateway, origin, page, base } = await setUp();

    const first = await page.goto(`${base}/docs/intro?tab=2`);
    expect(first?.status()).toBe(401);
    // A form of the page's own, not the browser's dialog (which would have failed the navigation here).
    const field = page.getByLabel('Password');
    await expect.poll(() => field.isVisible()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('password');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await checkContrast(page);

    await field.fill('not the password');
    await Promise.all([page.waitForLoadState('load'), field.press('Enter')]);
    const alert = page.getByRole('alert');
    expect(await alert.textContent()).toMatch(/not right/);
    expect(await page.getByLabel('Password').getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('password');
    await checkContrast(page);
    expect(origin.seen).toEqual([]);

    await page.getByLabel('Password').fill(PASSWORD);
    await Promise.all([page.waitForURL(`${base}/docs/intro?tab=2`), page.getByRole('button', { name: 'Open the page' }).click()]);
    expect(await page.locator('h1').textContent()).toBe('the shared page');
    expect(await page.locator('#path').textContent()).toBe('/docs/intro?tab=2');
    // The share's cookie is the gateway's: the local server never sees it.
    expect(await page.locator('#cookie').textContent()).toBe('');
    const [cookie] = await page.context().cookies();
    expect(cookie).toMatchObject({ name: 'porthole_share', httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
    expect(await page.evaluate(() => document.cookie)).toBe('');

    const again = await page.reload();
    expect(again?.status()).toBe(200);
    expect(await page.locator('h1').textContent()).toBe('the shared page');
    // (The browser also asks for /favicon.ico now and then.)
    const pages = () => origin.seen.filter((seen) => seen.url.startsWith('/docs'));
    expect(pages()).toHaveLength(2);

    await gateway.configure({ password: 'a brand new password' });
    const after = await page.reload();
    expect(after?.status()).toBe(401);
    await expect.poll(() => page.getByLabel('Password').isVisible()).toBe(true);
    expect(pages()).toHaveLength(2);
  });

  it('shows in dark mode too, still readable', async () => {
    const { page, base } = await setUp();
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(`${base}/`);
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(contrast(background, 'rgb(0, 0, 0)')).toBeLessThan(2);
    await checkContrast(page);
    await page.getByLabel('Password').fill('wrong one');
    await Promise.all([page.waitForLoadState('load'), page.getByLabel('Password').press('Enter')]);
    await checkContrast(page);
  });
});
