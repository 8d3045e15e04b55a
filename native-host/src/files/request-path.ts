/**
 * Turns a visitor's request path into the segments of a file under the shared folder, or refuses it.
 * Pure. Refusing is always a plain 404 for the visitor: what exists outside the folder, or as a
 * dotfile, is never confirmed nor denied.
 *
 * Refused: anything not starting with `/`; `..` or `.` segments, raw or percent-encoded (`%2e%2e`);
 * an encoded separator (`%2f`, `%5c`) or a backslash, which some file APIs read as a separator; NUL;
 * malformed percent-encoding; and, unless dotfiles are opted in, any segment starting with `.`
 * (`.git`, `.env`), so a dot-folder's contents are hidden too.
 */
export interface RequestPathOptions {
  dotfiles: boolean;
}

export type RequestPath = { ok: true; segments: string[]; trailingSlash: boolean } | { ok: false; reason: string };

const ENCODED_SEPARATOR = /%(?:2f|5c)/i;

export function parseRequestPath(rawPath: string, options: RequestPathOptions): RequestPath {
  const pathname = rawPath.split(/[?#]/, 1)[0] ?? '';
  if (!pathname.startsWith('/')) return { ok: false, reason: 'not an absolute path' };
  if (pathname.includes('\\') || ENCODED_SEPARATOR.test(pathname)) return { ok: false, reason: 'backslash or encoded separator' };
  const segments: string[] = [];
  const raw = pathname.slice(1).split('/');
  for (const [index, encoded] of raw.entries()) {
    let segment: string;
    try {
      segment = decodeURIComponent(encoded);
    } catch {
      return { ok: false, reason: 'malformed percent-encoding' };
    }
    if (segment.includes('\0') || segment.includes('/') || segment.includes('\\'))
      return { ok: false, reason: 'separator or NUL in a segment' };
    if (segment === '') {
      // `//` inside a path, or the trailing slash; only the last is allowed.
      if (index === raw.length - 1) continue;
      return { ok: false, reason: 'empty segment' };
    }
    if (segment === '.' || segment === '..') return { ok: false, reason: 'dot segment' };
    if (!options.dotfiles && segment.startsWith('.')) return { ok: false, reason: 'dotfile' };
    segments.push(segment);
  }
  return { ok: true, segments, trailingSlash: pathname.endsWith('/') };
}

/** True when `child` is `root` or inside it; both already resolved (realpath), same separator. */
export function isInside(root: string, child: string, separator: string): boolean {
  if (child === root) return true;
  const prefix = root.endsWith(separator) ? root : root + separator;
  return child.startsWith(prefix);
}
