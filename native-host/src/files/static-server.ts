/**
 * The static server of a folder share: a loopback-only HTTP server that the share's gateway relays
 * to, exactly as it relays to a developer's own server. sirv (dev mode: the folder is read on each
 * request, so a rebuilt `dist/` is served as it is now) sends the files: MIME types, ETag and 304,
 * Range, precompressed `.br`/`.gz` siblings. Before sirv sees a request, this module decides which
 * file it is, and refuses with a plain 404 anything outside the folder:
 * request-path.ts refuses `..`, encoded separators and dotfiles by name; then the chosen file's real
 * path (symlinks resolved) must be inside the folder's real path, and must not pass through a dot
 * folder either. Only GET and HEAD are answered.
 */
import { closeSync, openSync, readdirSync, readSync, realpathSync, type Stats, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, dirname, join, relative, sep } from 'node:path';
import sirv from 'sirv';
import { listingPage } from './listing.js';
import { decideRange } from './range.js';
import { isInside, parseRequestPath } from './request-path.js';

export interface StaticOptions {
  /** Unknown paths without a file extension get the folder's index.html (single-page apps). Off by default. */
  spa: boolean;
  /** A folder without index.html shows a list of its files. Off by default. */
  listing: boolean;
  /** Serve names starting with a dot (`.well-known`, `.env`, `.git`). Off by default. */
  dotfiles: boolean;
}

export const DEFAULT_STATIC_OPTIONS: StaticOptions = { spa: false, listing: false, dotfiles: false };

/** A file chosen to be sent, already checked. */
interface Found {
  kind: 'file';
  real: string;
  stats: Stats;
}
type Lookup = Found | { kind: 'redirect'; location: string } | { kind: 'listing'; real: string; path: string } | { kind: 'missing' };

export class StaticServer {
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  /** Serves `folder` on 127.0.0.1 at an ephemeral port. */
  static async start(folder: string, options: StaticOptions = DEFAULT_STATIC_OPTIONS): Promise<StaticServer> {
    const root = realpathSync(folder);
    const handler = createHandler(root, options);
    const server = createServer(handler);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    return new StaticServer(server, `http://127.0.0.1:${port}`);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

/** The real path of `path` when it exists and is inside `root` (no dot segment unless allowed); else null. */
function checkedReal(root: string, path: string, dotfiles: boolean): { real: string; stats: Stats } | null {
  let real: string;
  let stats: Stats;
  try {
    real = realpathSync(path);
    stats = statSync(real);
  } catch {
    return null;
  }
  if (!isInside(root, real, sep)) return null;
  if (
    !dotfiles &&
    relative(root, real)
      .split(sep)
      .some((segment) => segment.startsWith('.'))
  )
    return null;
  if (!stats.isFile() && !stats.isDirectory()) return null;
  return { real, stats };
}

function fileIn(root: string, path: string, dotfiles: boolean): Found | null {
  const found = checkedReal(root, path, dotfiles);
  return found?.stats.isFile() ? { kind: 'file', ...found } : null;
}

export function lookup(root: string, rawUrl: string, options: StaticOptions): Lookup {
  const parsed = parseRequestPath(rawUrl, options);
  if (!parsed.ok) return { kind: 'missing' };
  const target = join(root, ...parsed.segments);
  const found = checkedReal(root, target, options.dotfiles);
  if (found?.stats.isFile() === true) return { kind: 'file', ...found };
  if (found?.stats.isDirectory() === true) {
    // `/docs` → `/docs/`, so that the page's relative links resolve inside the folder.
    if (!parsed.trailingSlash) {
      const query = rawUrl.includes('?') ? rawUrl.slice(rawUrl.indexOf('?')) : '';
      return { kind: 'redirect', location: `/${parsed.segments.map(encodeURIComponent).join('/')}/${query}` };
    }
    const index = fileIn(root, join(found.real, 'index.html'), options.dotfiles);
    if (index !== null) return index;
    if (options.listing)
      return { kind: 'listing', real: found.real, path: `/${parsed.segments.join('/')}${parsed.segments.length > 0 ? '/' : ''}` };
    return { kind: 'missing' };
  }
  // `/about` → `about.html`, as most static hosts do.
  const last = parsed.segments.at(-1);
  if (last !== undefined && !parsed.trailingSlash) {
    const html = fileIn(root, `${target}.html`, options.dotfiles);
    if (html !== null) return html;
  }
  if (options.spa && (last === undefined || !last.includes('.'))) {
    const index = fileIn(root, join(root, 'index.html'), options.dotfiles);
    if (index !== null) return index;
  }
  return { kind: 'missing' };
}

function notFound(res: ServerResponse): void {
  const body = 'Not found\n';
  res.writeHead(404, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(body);
}

/** Names sirv's decodeURI cannot get back from a URL (`?`, `#`): never sent rather than risk another file. */
const UNSENDABLE = /[?#]/;

function createHandler(root: string, options: StaticOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const send = sirv(root, { dev: true, etag: true, gzip: true, brotli: true, extensions: [], dotfiles: true });
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Length': 0 });
      res.end();
      return;
    }
    const found = lookup(root, req.url ?? '/', options);
    switch (found.kind) {
      case 'missing':
        return notFound(res);
      case 'redirect':
        res.writeHead(301, { Location: found.location, 'Content-Length': 0 });
        res.end();
        return;
      case 'listing': {
        const body = listingPage(found.path, readdirSync(found.real, { withFileTypes: true }), options.dotfiles);
        res.writeHead(200, {
          'Content-Type': 'text/html; charset=utf-8',
          'Content-Length': Buffer.byteLength(body),
          'Cache-Control': 'no-cache',
        });
        res.end(req.method === 'HEAD' ? undefined : body);
        return;
      }
      case 'file':
        return sendFile(req, res, root, found, send);
    }
  };
}

function sendFile(req: IncomingMessage, res: ServerResponse, root: string, found: Found, send: ReturnType<typeof sirv>): void {
  const rel = relative(root, found.real).split(sep);
  if (rel.some((segment) => UNSENDABLE.test(segment))) {
    notFound(res);
    return;
  }
  res.setHeader('X-Content-Type-Options', 'nosniff');
  const range = decideRange(typeof req.headers.range === 'string' ? req.headers.range : undefined, found.stats.size);
  // A range counts in the bytes of the file itself, never of a compressed sibling.
  if (range.kind !== 'none' || !precompressedSiblingsInside(root, found.real)) delete req.headers['accept-encoding'];
  if (range.kind === 'unsatisfiable') {
    res.writeHead(416, { 'Content-Range': `bytes */${found.stats.size}`, 'Content-Length': 0 });
    res.end();
    return;
  }
  if (range.kind === 'range' && range.end === 0) {
    sendFirstByte(req, res, found);
    return;
  }
  if (range.kind === 'range') req.headers.range = `bytes=${range.start}-${range.end}`;
  else delete req.headers.range;
  req.url = `/${rel.map((segment) => encodeURI(segment)).join('/')}`;
  send(req, res, () => notFound(res));
}

/** sirv reads `bytes=0-0` as the whole file. */
function sendFirstByte(req: IncomingMessage, res: ServerResponse, found: Found): void {
  const byte = Buffer.alloc(1);
  const fd = openSync(found.real, 'r');
  try {
    readSync(fd, byte, 0, 1, 0);
  } finally {
    closeSync(fd);
  }
  res.writeHead(206, { 'Content-Range': `bytes 0-0/${found.stats.size}`, 'Content-Length': 1, 'Accept-Ranges': 'bytes' });
  res.end(req.method === 'HEAD' ? undefined : byte);
}

/** `page.html.br` and `page.html.gz`, when present, must be plain files inside the folder too. */
function precompressedSiblingsInside(root: string, real: string): boolean {
  for (const suffix of ['.br', '.gz']) {
    const sibling = join(dirname(real), basename(real) + suffix);
    let exists = true;
    try {
      statSync(sibling);
    } catch {
      exists = false;
    }
    if (exists && fileIn(root, sibling, true) === null) return false;
  }
  return true;
}
