/**
 * The extension's reading of the host's error codes (ERROR_CODES): where the host's sentence is
 * not the best thing to show, what to say instead, and when a retry is worth it. Pure.
 */

/** The one name of the program on this computer, in the popup, notifications and README. */
export const HELPER_NAME = 'the Porthole helper (porthole-host)';

/**
 * How long Cloudflare's limit on quick tunnels from one network usually lasts. Cloudflare does not
 * say; the 429s we saw cleared within minutes, so the popup points at a moment rather than "later".
 */
export const RATE_LIMIT_WAIT_MS = 5 * 60_000;

/** The host's own detail when cloudflared printed no address in time (native-host/src/cloudflared/tunnel.ts). */
const NO_ADDRESS = /no address from trycloudflare\.com after (\d+) s/;

export interface ErrorLike {
  code?: string;
  message: string;
  detail?: string;
}

export interface ErrorText {
  message: string;
  detail?: string;
  /** Epoch milliseconds from when sharing again is worth trying (rate-limited); null otherwise. */
  retryAt: number | null;
}

/** `at`: when the error happened (a failed share's endedAt, a problem's at); null when unknown. */
export function describeHostError(error: ErrorLike, at: number | null): ErrorText {
  const detail = error.detail ? { detail: error.detail } : {};
  const timedOut = error.detail ? NO_ADDRESS.exec(error.detail) : null;
  if (error.code === 'tunnel-service-error' && timedOut) {
    return {
      message: `No answer from trycloudflare.com in ${timedOut[1]} s. It may be slow or blocked on this network: try again in a minute.`,
      ...detail,
      retryAt: null,
    };
  }
  if (error.code === 'rate-limited') return { message: error.message, ...detail, retryAt: at === null ? null : at + RATE_LIMIT_WAIT_MS };
  return { message: error.message, ...detail, retryAt: null };
}

/** Splits a sentence into text and http(s) addresses, so addresses can be shown as links. */
export function splitLinks(text: string): Array<{ text: string; href?: string }> {
  const parts: Array<{ text: string; href?: string }> = [];
  let last = 0;
  for (const match of text.matchAll(/https?:\/\/[^\s"'<>()]+/g)) {
    // A sentence's closing punctuation is not part of the address.
    const href = match[0].replace(/[.,;:!?…’]+$/, '');
    const start = match.index;
    if (start > last) parts.push({ text: text.slice(last, start) });
    parts.push({ text: href, href });
    last = start + href.length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}
