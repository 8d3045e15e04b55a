/**
 * Cookies an app sets for its own local name. Pure.
 *
 * A dev server that scopes its session cookie to where it runs (`Set-Cookie: sid=…; Domain=localhost`,
 * common in auth libraries' local configs) would have that cookie dropped by every visitor's browser:
 * a page on `….trycloudflare.com` may not set a cookie for `localhost`, so logins never stick.
 * Without the Domain attribute the cookie is a host-only cookie of the public name, which is what the
 * app meant. Only loopback Domains are removed; any other is the app's business and left alone.
 */
import { isLoopbackHostname } from '../protocol/loopback.js';

/** Whether a cookie's Domain value names this computer: `localhost`, `.LocalHost`, `127.0.0.1`, `[::1]`, `::1`, `app.localhost`. */
export function isLoopbackCookieDomain(value: string): boolean {
  let name = value.trim().toLowerCase().replace(/^\./, '');
  if (name === '') return false;
  if (name.includes(':') && !name.startsWith('[')) name = `[${name}]`;
  return isLoopbackHostname(name);
}

/** One Set-Cookie value with any loopback `Domain` attribute removed; anything else is returned as it was. */
export function withoutLoopbackDomain(setCookie: string): string {
  // Fast path: most cookies name no Domain at all.
  if (!/domain/i.test(setCookie)) return setCookie;
  const parts = setCookie.split(';');
  const kept = parts.filter((part, index) => {
    if (index === 0) return true;
    const match = /^\s*domain\s*=(.*)$/i.exec(part);
    return match === null || !isLoopbackCookieDomain(match[1] ?? '');
  });
  return kept.length === parts.length ? setCookie : kept.join(';');
}

/** For a response's `set-cookie` header as node:http gives it (always an array, or absent). */
export function rewriteSetCookies(values: string[] | undefined): string[] | undefined {
  if (values === undefined) return undefined;
  return values.map(withoutLoopbackDomain);
}
