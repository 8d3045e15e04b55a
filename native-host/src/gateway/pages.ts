/**
 * The few pages the gateway answers itself. Visitors are strangers: the pages say what happened in
 * plain words and reveal nothing of the developer's machine (no port, no path, no error text).
 * Colours pass WCAG AA contrast in light and dark mode (prefers-color-scheme); the sign-in form has
 * a label, takes the focus, and says what went wrong in an alert.
 */
import { SIGN_IN_PATH } from './sign-in.js';

const STYLE = `:root{color-scheme:light dark;--bg:#fff;--fg:#1b1b1b;--muted:#4d4d4d;--line:#767676;--accent:#1558b0;--on-accent:#fff;--error:#a4000f}
@media (prefers-color-scheme:dark){:root{--bg:#121212;--fg:#ececec;--muted:#b8b8b8;--line:#8f8f8f;--accent:#8ab4f8;--on-accent:#0b0b0b;--error:#ff8a80}}
body{font:16px/1.5 system-ui,sans-serif;max-width:34em;margin:15vh auto;padding:0 1.5em;background:var(--bg);color:var(--fg)}h1{font-size:1.4em}p{color:var(--muted)}
label{display:block;font-weight:600;margin:1.2em 0 .3em}input{font:inherit;width:100%;box-sizing:border-box;padding:.5em .6em;border:1px solid var(--line);border-radius:4px;background:var(--bg);color:var(--fg)}
button{font:inherit;font-weight:600;margin-top:1em;padding:.5em 1.2em;border:0;border-radius:4px;background:var(--accent);color:var(--on-accent);cursor:pointer}
:focus-visible,input:focus{outline:3px solid var(--accent);outline-offset:2px}.error{color:var(--error);font-weight:600}`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string, refreshSeconds?: number): string {
  const refresh = refreshSeconds === undefined ? '' : `<meta http-equiv="refresh" content="${refreshSeconds}">`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="color-scheme" content="light dark"><meta name="robots" content="noindex">${refresh}<title>${title}</title>
<style>${STYLE}</style></head>
<body><main><h1>${title}</h1>${body}<p><small>Shared with Porthole</small></p></main></body></html>
`;
}

/** Reloads itself every few seconds, so the visitor sees the page as soon as the server is back. */
export const ORIGIN_DOWN_RETRY_SECONDS = 5;
export const ORIGIN_DOWN_PAGE = page(
  'The developer’s local server is not running',
  `<p>This address shares a page from someone’s computer, but the local server behind it is not running right now.</p><p>This page will try again every ${ORIGIN_DOWN_RETRY_SECONDS} seconds and show the site as soon as it is back.</p>`,
  ORIGIN_DOWN_RETRY_SECONDS,
);

export const ORIGIN_ERROR_PAGE = page(
  'The developer’s local server did not answer properly',
  '<p>The local server behind this address closed the connection or sent something that is not HTTP. Try again in a moment.</p>',
);

/** For scripts that asked without credentials (they also get the basic-auth challenge). */
export const PASSWORD_PAGE = page(
  'This shared page needs a password',
  '<p>Ask the person who sent you this address for the password. Scripts can send it with HTTP basic auth, any user name.</p>',
);

/**
 * Sent with the sign-in page: no script, no framing by another site (a password form inside someone
 * else's page is a phishing kit), the form posts to the share only.
 */
export const SIGN_IN_PAGE_HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  // Not no-referrer: with it, Chromium sends the form's own post with `Origin: null`.
  'referrer-policy': 'same-origin',
} as const;

export type SignInProblem = { kind: 'wrong' } | { kind: 'locked'; seconds: number } | null;

/** The sign-in form; `next` is where to go afterwards (already checked by safeNext). */
export function signInPage(next: string, problem: SignInProblem): string {
  const message =
    problem === null
      ? ''
      : problem.kind === 'wrong'
        ? 'That password is not right. Check it with the person who sent you this address.'
        : `Too many wrong passwords. Try again in ${problem.seconds} second${problem.seconds === 1 ? '' : 's'}.`;
  const alert = problem === null ? '' : `<p class="error" id="problem" role="alert">${message}</p>`;
  const described = problem === null ? '' : ' aria-describedby="problem" aria-invalid="true"';
  return page(
    'This shared page needs a password',
    `<p>Ask the person who sent you this address for the password.</p>${alert}
<form method="post" action="${SIGN_IN_PATH}"><input type="hidden" name="next" value="${escapeHtml(next)}">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required autofocus${described}>
<button type="submit">Open the page</button></form>`,
  );
}
