/**
 * The share's sign-in for people, beside basic auth for scripts (basic-auth.ts): a form the gateway
 * serves (pages.ts), and once the password is right a cookie that says so. Pure apart from the
 * random secret.
 *
 * The cookie is an HMAC of a fixed text under a secret that exists only in this gateway's memory and
 * is replaced whenever the password is set, changed or removed, and dies with the share: a new
 * password signs everyone out, and nothing a visitor holds outlives the share. `HttpOnly` (no page
 * script reads it), `Secure` (https only: the public address is https), `SameSite=Lax` (sent when
 * following a link to the share, not on other sites' subrequests).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The gateway's own paths live under /.well-known/, beside the probe: no app uses them. */
export const SIGN_IN_PATH = '/.well-known/porthole/sign-in';
export const COOKIE_NAME = 'porthole_share';
/** A form post holds a password (at most 256 characters) and a path. */
export const MAX_FORM_BYTES = 8192;
const MAX_NEXT_LENGTH = 2048;
const SIGNED_TEXT = 'porthole share: signed in';

export class SessionKey {
  private secret = randomBytes(32);

  /** A new secret: every cookie given so far stops working. */
  rotate(): void {
    this.secret = randomBytes(32);
  }

  get cookieValue(): string {
    return createHmac('sha256', this.secret).update(SIGNED_TEXT).digest('base64url');
  }

  setCookieHeader(): string {
    return `${COOKIE_NAME}=${this.cookieValue}; Path=/; HttpOnly; Secure; SameSite=Lax`;
  }

  /** Whether the Cookie header carries this share's cookie, signed with the current secret. */
  verify(cookieHeader: string | undefined): boolean {
    if (cookieHeader === undefined || !cookieHeader.includes(COOKIE_NAME)) return false;
    const expected = Buffer.from(this.cookieValue);
    let ok = false;
    for (const [name, value] of cookiePairs(cookieHeader)) {
      if (name !== COOKIE_NAME) continue;
      const given = Buffer.from(value);
      if (given.length === expected.length && timingSafeEqual(given, expected)) ok = true;
    }
    return ok;
  }
}

function cookiePairs(header: string): [string, string][] {
  return header.split(';').map((part) => {
    const trimmed = part.trim();
    const equals = trimmed.indexOf('=');
    return equals === -1 ? [trimmed, ''] : [trimmed.slice(0, equals).trim(), trimmed.slice(equals + 1).trim()];
  });
}

/** The Cookie header without the share's cookie (it is the gateway's, not the app's); undefined when nothing is left. */
export function withoutShareCookie(header: string | undefined): string | undefined {
  if (header === undefined || !header.includes(COOKIE_NAME)) return header;
  const kept = header
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part !== '' && part.slice(0, part.indexOf('=') === -1 ? part.length : part.indexOf('=')).trim() !== COOKIE_NAME);
  return kept.length === 0 ? undefined : kept.join('; ');
}

/**
 * Where to go after signing in: a path on this share, or `/`. Never another site (`//evil.example`,
 * `/\evil.example`, which browsers read as `//`, `https://…`), never a header break.
 */
export function safeNext(next: string | null | undefined): string {
  if (typeof next !== 'string' || next.length > MAX_NEXT_LENGTH || !next.startsWith('/')) return '/';
  if (next.startsWith('//') || /[^\x21-\x5b\x5d-\x7e]/.test(next)) return '/';
  return next;
}

/** Browser navigations get the sign-in page; everything else (curl, fetch, scripts) the basic-auth challenge. */
export function wantsHtml(method: string | undefined, accept: string | undefined): boolean {
  return (method === 'GET' || method === 'HEAD') && accept !== undefined && /\btext\/html\b/i.test(accept);
}

export function readSignInForm(body: string): { password: string; next: string } {
  const form = new URLSearchParams(body);
  return { password: form.get('password') ?? '', next: safeNext(form.get('next')) };
}
