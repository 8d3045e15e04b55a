/**
 * The share's password at the gateway: who may pass, and what the others get (the sign-in page
 * for browsers, the basic-auth challenge for scripts, the form's answers). Pure apart from the
 * session's random key; the connection (visitor-connection.ts) writes the answers.
 */
import { AUTH_CHALLENGE, basicAuthPasswords, passwordMatches } from './basic-auth.js';
import { GuessLimiter, retryAfterSeconds } from './guess-limiter.js';
import { PASSWORD_PAGE, SIGN_IN_PAGE_HEADERS, type SignInProblem, signInPage } from './pages.js';
import { readSignInForm, SessionKey, safeNext, wantsHtml } from './sign-in.js';

/** Whether a request may pass the share's password, and how it proved it. */
export type Access =
  | { ok: true; via: 'open' | 'cookie' | 'basic' }
  | { ok: false; why: 'missing' | 'wrong' }
  | { ok: false; why: 'locked'; retryAfterMs: number };

/** An answer of the gateway's own: status, headers, body; `close`: the connection closes after it. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
  close?: boolean;
}

const NO_STORE = { 'cache-control': 'no-store' } as const;

export class ShareAccess {
  private readonly guesses = new GuessLimiter();
  private readonly session = new SessionKey();

  constructor(public password: string | null) {}

  /** A new or changed password: every cookie given so far stops working. */
  setPassword(password: string | null): boolean {
    if (password === this.password) return false;
    this.password = password;
    this.session.rotate();
    return true;
  }

  /**
   * Whether the request may pass: the share is open, the sign-in cookie is good, or basic auth
   * carries the password. Only a password actually given counts as a guess; a visitor locked out
   * by wrong ones is not even checked (guess-limiter.ts).
   */
  check(cookie: string | undefined, authorization: string | undefined, visitor: string): Access {
    const { password } = this;
    if (password === null) return { ok: true, via: 'open' };
    if (this.session.verify(cookie)) return { ok: true, via: 'cookie' };
    const given = basicAuthPasswords(authorization);
    if (given === null) return { ok: false, why: 'missing' };
    const verdict = this.guesses.check(visitor);
    if (!verdict.allowed) return { ok: false, why: 'locked', retryAfterMs: verdict.retryAfterMs };
    let right = false;
    for (const candidate of given) if (passwordMatches(candidate, password)) right = true;
    if (right) {
      this.guesses.succeeded(visitor);
      return { ok: true, via: 'basic' };
    }
    this.guesses.failed(visitor);
    return { ok: false, why: 'wrong' };
  }

  /** What a request without the password gets: a sign-in page for a browser, the basic-auth challenge for scripts. */
  challenge(method: string, target: string, accept: string | undefined, access: Exclude<Access, { ok: true }>): Answer {
    const html = wantsHtml(method, accept);
    const headers: Record<string, string> = html
      ? { 'content-type': 'text/html; charset=utf-8', ...NO_STORE, ...SIGN_IN_PAGE_HEADERS }
      : { 'content-type': 'text/plain; charset=utf-8', ...NO_STORE };
    if (access.why === 'locked') {
      const seconds = retryAfterSeconds(access.retryAfterMs);
      headers['retry-after'] = String(seconds);
      const body = html
        ? signInPage(safeNext(target), { kind: 'locked', seconds })
        : `Too many wrong passwords. Try again in ${seconds} seconds.\n`;
      return { status: 429, headers, body };
    }
    // No Basic challenge for a browser: it would show its own dialog, which asks for a user name visitors do not have.
    if (html) return { status: 401, headers, body: signInPage(safeNext(target), access.why === 'wrong' ? { kind: 'wrong' } : null) };
    headers['www-authenticate'] = AUTH_CHALLENGE;
    headers['content-type'] = 'text/html; charset=utf-8';
    return { status: 401, headers, body: PASSWORD_PAGE };
  }

  /** An upgrade without the password: no page, the status and the challenge only, and the connection closes. */
  upgradeRefusal(access: Exclude<Access, { ok: true }>): Answer {
    if (access.why === 'locked')
      return { status: 429, headers: { 'Retry-After': String(retryAfterSeconds(access.retryAfterMs)) }, body: '', close: true };
    return { status: 401, headers: { 'WWW-Authenticate': AUTH_CHALLENGE }, body: '', close: true };
  }

  /** The sign-in form's answer to a GET of its address. */
  signInForm(): Answer {
    return signInAnswer(200, null, '/');
  }

  /** A sign-in posted from another site: it would spend the visitor's own wrong-password budget and lock them out. */
  static foreignSignIn(): Answer {
    return {
      status: 403,
      headers: { 'content-type': 'text/plain; charset=utf-8', ...NO_STORE },
      body: 'This sign-in was sent from another site.\n',
      close: true,
    };
  }

  static formTooLarge(): Answer {
    return { status: 413, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'The form was too large.\n', close: true };
  }

  /** The form's POST, its body read: a cookie and back to the page, or the form again with what went wrong. */
  signIn(body: string, visitor: string): Answer {
    const form = readSignInForm(body);
    const { password } = this;
    if (password === null) return { status: 303, headers: { location: form.next, ...NO_STORE }, body: '' };
    const verdict = this.guesses.check(visitor);
    if (!verdict.allowed) {
      const seconds = retryAfterSeconds(verdict.retryAfterMs);
      return signInAnswer(429, { kind: 'locked', seconds }, form.next, { 'retry-after': String(seconds) });
    }
    if (!passwordMatches(form.password, password)) {
      this.guesses.failed(visitor);
      return signInAnswer(401, { kind: 'wrong' }, form.next);
    }
    this.guesses.succeeded(visitor);
    return { status: 303, headers: { location: form.next, 'set-cookie': this.session.setCookieHeader(), ...NO_STORE }, body: '' };
  }
}

function signInAnswer(status: number, problem: SignInProblem, next: string, extra: Record<string, string> = {}): Answer {
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', ...NO_STORE, ...SIGN_IN_PAGE_HEADERS, ...extra },
    body: signInPage(next, problem),
  };
}
