/**
 * What may be written down about a visitor's request. Query strings and fragments carry reset
 * tokens, session ids and API keys (issue 9, finding 6: host.log kept them); a URL's user part
 * carries a password. Logs, traffic events and the CLI's visitor lines show the path only, and
 * `?…` where a query was, so that the sharer still sees that there was one. Pure.
 */

/** Marks where a query string or fragment was cut off. */
export const REDACTED_QUERY = '?…';

/**
 * A request target (`/path?query`, or an absolute URL) reduced to what logs may keep: the path,
 * without query or fragment, and without the `user:password@` of an absolute URL.
 */
export function loggablePath(target: string | undefined): string {
  if (target === undefined || target === '') return '/';
  const cut = target.search(/[?#]/);
  const path = cut === -1 ? target : `${target.slice(0, cut)}${REDACTED_QUERY}`;
  return withoutUserInfo(path);
}

/** `scheme://user:password@host…` → `scheme://…@host…`. */
function withoutUserInfo(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi, '$1…@');
}

/**
 * A path or URL inside a line of text, up to its query string or fragment: any run of non-space
 * characters with a `/` before its first `?` or `#` (`GET /reset?token=…`, `http://h/p#x`).
 */
const PATH_WITH_QUERY = /([^\s?#"'<>]*\/[^\s?#"'<>]*)[?#][^\s"'<>]*/g;

/** Control characters would let a visitor's input forge or hide lines of the log. */
const CONTROL = /(?![\t\n])\p{Cc}/gu;

/**
 * Every line the host logs passes through here, whatever wrote it (the gateway's error lines,
 * cloudflared's output, a stack trace): a last net under `loggablePath`, for lines built
 * elsewhere from a request's URL.
 */
export function scrubLogLine(line: string): string {
  return withoutUserInfo(line.replace(CONTROL, '\uFFFD').replace(PATH_WITH_QUERY, `$1${REDACTED_QUERY}`));
}
