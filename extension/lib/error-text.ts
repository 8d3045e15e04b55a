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
  /** What the person can do about it with one click, where the view offers it. */
  action?: ErrorAction;
}

/**
 * `open-options`: the account is connected (again) on the options page; `rename`: the stable name
 * must change (the popup puts the cursor in its field); `connect`: the options page's Connect.
 */
export type ErrorAction = 'open-options' | 'rename' | 'connect';

/** The button of each action, as the popup and the options page label it. */
export const ERROR_ACTION_LABEL: Record<ErrorAction, string> = {
  'open-options': 'Open Porthole options',
  rename: 'Pick another name',
  connect: 'Connect again',
};

/**
 * The stable-address failures (issue 14) in the extension's words, each with the one thing to do.
 * The host's own sentence, often naming the hostname or zone, goes under Details.
 */
const STABLE_ERRORS: Partial<Record<string, { message: string; action?: ErrorAction }>> = {
  'not-logged-in': {
    message:
      'No Cloudflare account is connected, so there is no stable address to give. Connect one in Porthole’s options, or share on a quick address.',
    action: 'open-options',
  },
  'certificate-invalid': {
    message:
      'Cloudflare no longer accepts Porthole’s certificate for your account (it expired or was revoked). Connect the account again in Porthole’s options.',
    action: 'open-options',
  },
  'zone-not-allowed': {
    message:
      'That hostname is not on the domain your Cloudflare account connected. Use a name under the connected domain, or connect the account again and pick the other domain.',
    action: 'open-options',
  },
  'dns-record-foreign': {
    message: 'That name is already taken by a DNS record Porthole did not create, and Porthole never overwrites one. Pick another name.',
    action: 'rename',
  },
  'name-invalid': {
    message:
      'A stable name uses only letters a–z, digits 0–9 and hyphens (1 to 63 characters, no hyphen first or last). Pick another name.',
    action: 'rename',
  },
  'token-invalid': {
    message:
      'Cloudflare does not accept this tunnel token. Copy it again from the dashboard (Networks › Tunnels › your tunnel › the install command) and paste all of it.',
  },
  'account-error': {
    message:
      'cloudflared could not do what Porthole asked in your Cloudflare account (the API did not answer, or refused). Try again in a minute.',
    action: 'connect',
  },
};

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
  const stable = error.code === undefined ? undefined : STABLE_ERRORS[error.code];
  if (stable) {
    // The host's sentence is kept under Details: it names the hostname or the zone concerned.
    const hostWords = [error.message, error.detail].filter((part) => part && part !== stable.message).join(' — ');
    return {
      message: stable.message,
      ...(hostWords ? { detail: hostWords } : {}),
      retryAt: null,
      ...(stable.action ? { action: stable.action } : {}),
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
