/**
 * webpack-dev-server's hot-reload client through a share (issue 11). Pure.
 *
 * The client entry webpack-dev-server adds to the bundle carries where its WebSocket listens, as
 * the entry's query string: v5 `…/webpack-dev-server/client/index.js?protocol=ws%3A&hostname=0.0.0.0&port=8080&pathname=%2Fws…`,
 * v6 (webpack-dev-middleware's client) `…/client/index.js?url=%7B%22protocol%22%3A%22ws%3A%22%2C%22hostname%22%3A%220.0.0.0%22%2C%22port%22%3A8080…`
 * (`{"hostname":"0.0.0.0","port":8080,…}`). A visitor's page would dial
 * `wss://<name>.trycloudflare.com:8080/ws`, a port Cloudflare serves no TLS on, and hot reload never
 * connects. Both clients read port `0` as "the page's own port" and hostname `0.0.0.0` as "the page's
 * own host" (then also `wss:` on an https page), so the gateway rewrites those two values in the
 * script it relays, and only there: a query right after a webpack-dev-server / webpack-dev-middleware
 * client path. The same query appears several times in a bundle (module id, comments, the
 * `__resourceQuery` string, inside `eval("…")` with the default devtool) and every copy must stay
 * identical, since the module id is looked up by it: each query found is replaced everywhere.
 */
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync, type ZlibOptions } from 'node:zlib';

/** The client entry's path and its query; the package directory may carry a suffix (npm aliases, as in this repo's tests). */
const CLIENT_ENTRY = /webpack-dev-(?:server|middleware)(?:-[\w.-]+)?\/client\/index\.js(\?[^"'\\\s*]+)/g;
/** Names that mean "this computer": a visitor's browser would dial its own. */
const LOCAL_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1', '0.0.0.0', '::', '[::]']);

/** What a script must contain before it is looked at more closely: cheap to search in a byte buffer. */
export const DEV_CLIENT_MARKER = '/client/index.js?';

function followsPage(hostname: unknown): boolean {
  return typeof hostname !== 'string' || hostname === '' || LOCAL_HOSTNAMES.has(hostname.toLowerCase());
}

/** One client entry's query with port 0 and, for a loopback hostname, 0.0.0.0; null when there is nothing to change. */
export function rewriteClientQuery(query: string): string | null {
  const params = new URLSearchParams(query.slice(1));
  let changed = false;
  // v5: the parts are parameters of their own.
  const port = params.get('port');
  if (port !== null && port !== '0' && /^\d+$/.test(port) && followsPage(params.get('hostname') ?? undefined)) {
    params.set('port', '0');
    if (params.get('hostname') !== null && params.get('hostname') !== '0.0.0.0') params.set('hostname', '0.0.0.0');
    changed = true;
  }
  // v6: one `url` parameter, JSON of the parts.
  const url = params.get('url');
  if (url?.startsWith('{')) {
    let spec: unknown;
    try {
      spec = JSON.parse(url);
    } catch {
      spec = undefined;
    }
    if (spec !== null && typeof spec === 'object' && !Array.isArray(spec)) {
      const parts = spec as Record<string, unknown>;
      if (parts.port !== undefined && parts.port !== 0 && parts.port !== '0' && followsPage(parts.hostname)) {
        parts.port = 0;
        if (parts.hostname !== undefined) parts.hostname = '0.0.0.0';
        params.set('url', JSON.stringify(parts));
        changed = true;
      }
    }
  }
  if (!changed) return null;
  // URLSearchParams writes spaces as `+` and leaves some characters bare that the bundler encoded;
  // the client decodes either way, so only the values it reads matter.
  return `?${params.toString()}`;
}

/** The script with every webpack-dev-server client query rewritten (see above); null when it has none to change. */
export function rewriteDevClientScript(script: string): string | null {
  if (!script.includes(DEV_CLIENT_MARKER)) return null;
  const replacements = new Map<string, string>();
  for (const match of script.matchAll(CLIENT_ENTRY)) {
    const query = match[1]!;
    if (replacements.has(query)) continue;
    const rewritten = rewriteClientQuery(query);
    if (rewritten !== null) replacements.set(query, rewritten);
  }
  if (replacements.size === 0) return null;
  let result = script;
  for (const [query, rewritten] of replacements) result = result.replaceAll(query, rewritten);
  return result;
}

/** Scripts larger than this are relayed as they are: no dev-server client entry chunk comes near it. */
export const MAX_SCRIPT_BYTES = 16 * 1024 * 1024;

/** Whether a response may be a bundle carrying the client, and is worth holding until its end to look. */
export function mayCarryDevClient(method: string, status: number, headers: { [name: string]: string | string[] | undefined }): boolean {
  if (method !== 'GET' || status !== 200) return false;
  const type = headers['content-type'];
  if (typeof type !== 'string' || !/\b(?:java|ecma)script\b/i.test(type)) return false;
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && (typeof encoding !== 'string' || !DECODERS.has(encoding.trim().toLowerCase()))) return false;
  const length = headers['content-length'];
  return !(typeof length === 'string' && Number(length) > MAX_SCRIPT_BYTES);
}

const LIMIT: ZlibOptions = { maxOutputLength: 4 * MAX_SCRIPT_BYTES };
const DECODERS = new Map<string, (body: Buffer) => Buffer>([
  ['identity', (body) => body],
  ['gzip', (body) => gunzipSync(body, LIMIT)],
  ['x-gzip', (body) => gunzipSync(body, LIMIT)],
  ['br', (body) => brotliDecompressSync(body, LIMIT)],
  // "deflate" is zlib-wrapped by the standard and raw by some servers.
  [
    'deflate',
    (body) => {
      try {
        return inflateSync(body, LIMIT);
      } catch {
        return inflateRawSync(body, LIMIT);
      }
    },
  ],
]);

/**
 * A whole script body as the origin sent it (compressed or not) → the rewritten script, uncompressed
 * (the caller drops Content-Encoding and sets Content-Length), or null to send the original bytes.
 */
export function rewriteDevClientBody(body: Buffer, contentEncoding: string | undefined): Buffer | null {
  const decode = DECODERS.get((contentEncoding ?? 'identity').trim().toLowerCase());
  if (decode === undefined) return null;
  let plain: Buffer;
  try {
    plain = decode(body);
  } catch {
    return null;
  }
  if (!plain.includes(DEV_CLIENT_MARKER)) return null;
  // latin1 maps every byte to one character and back: the script's other bytes pass untouched.
  const rewritten = rewriteDevClientScript(plain.toString('latin1'));
  return rewritten === null ? null : Buffer.from(rewritten, 'latin1');
}
