/**
 * Stable names (issue 14): the DNS label before the account's zone (`myapp` → `myapp.example.com`).
 * The popup proposes one from the page and checks what the person types by the host's own rule
 * (a–z, 0–9 and hyphens, 1–63 characters, no hyphen first or last), so a bad name is caught before
 * anything is sent. Pure.
 */

export const MAX_LABEL_LENGTH = 63;

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** What the person typed, as it will be sent: trimmed and lower case (DNS names ignore case). */
export function normaliseName(typed: string): string {
  return typed.trim().toLowerCase();
}

/** null when `name` (normalised) is a DNS label the host accepts; otherwise the sentence that says what to fix. */
export function stableNameProblem(name: string): string | null {
  if (name === '') return 'Give the address a name: letters, digits and hyphens.';
  if (name.length > MAX_LABEL_LENGTH) return `A name has at most ${MAX_LABEL_LENGTH} characters; this one has ${name.length}.`;
  if (name.startsWith('-') || name.endsWith('-')) return 'A name cannot start or end with a hyphen.';
  if (!LABEL.test(name)) return 'Use only letters a–z, digits 0–9 and hyphens: no spaces, dots or accents.';
  return null;
}

export function isStableName(name: string): boolean {
  return stableNameProblem(name) === null;
}

/**
 * A DNS label from free text (a page title): accents folded (é → e), anything else that is not a
 * letter or digit becomes one hyphen, cut to 63 characters without a trailing hyphen. Empty when
 * nothing usable is left (a title in another script).
 */
export function slugify(text: string): string {
  const folded = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
  const dashed = folded.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return dashed.slice(0, MAX_LABEL_LENGTH).replace(/-+$/, '');
}

/**
 * The name proposed for a server the first time: from its page's title, else its `*.localhost`
 * name, else its port (`app-5173`, the host's default too). A title that is just the address (the browser's title for an untitled page) names
 * nothing, so the port is used then.
 */
export function defaultStableName(origin: string, title?: string | null): string {
  const fromTitle = title ? slugify(title) : '';
  if (fromTitle !== '' && !looksLikeAddress(title ?? '', origin)) return fromTitle;
  // A `*.localhost` name is already a project's name (`shop.localhost:3000` → `shop`), as the host's own default takes it.
  const local = localName(origin);
  if (local !== '') return local;
  return `app-${portOf(origin)}`;
}

function localName(origin: string): string {
  try {
    const host = new URL(origin).hostname.toLowerCase();
    return host.endsWith('.localhost') ? slugify(host.slice(0, -'.localhost'.length).split('.')[0] ?? '') : '';
  } catch {
    return '';
  }
}

function portOf(origin: string): string {
  try {
    const url = new URL(origin);
    return url.port || (url.protocol === 'https:' ? '443' : '80');
  } catch {
    return 'local';
  }
}

function looksLikeAddress(title: string, origin: string): boolean {
  const host = (() => {
    try {
      return new URL(origin).host;
    } catch {
      return origin;
    }
  })();
  return title.includes(host) || /^https?:\/\//.test(title.trim());
}

/** The label of a stable hostname (`myapp.example.com` → `myapp`): what a restart asks for again. */
export function nameOfHostname(hostname: string): string {
  return hostname.split('.')[0] ?? hostname;
}
