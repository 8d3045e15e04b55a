/**
 * cloudflared's origin certificate (cert.pem), as `cloudflared tunnel login` writes it: PEM blocks
 * of which only `ARGO TUNNEL TOKEN` matters, its body base64 JSON `{zoneID, accountID, apiToken}`
 * (fixtures/cloudflared/named/README.md, "cert.pem"). Older certs also carry PRIVATE KEY and
 * CERTIFICATE blocks, which are ignored as cloudflared ignores them. Pure.
 */

export interface OriginCert {
  zoneId: string;
  /** Missing from very old certs: `tunnel create` then asks for a new login. */
  accountId: string | null;
  /** The API token cloudflared sends as `Authorization: Bearer …`: a secret, never logged. */
  apiToken: string;
}

const BLOCK = /-----BEGIN ([A-Z ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;
const IGNORED = new Set(['PRIVATE KEY', 'CERTIFICATE']);

export function parseOriginCert(pem: string): OriginCert | null {
  let token: OriginCert | null = null;
  for (const match of pem.matchAll(BLOCK)) {
    const [, type, body] = match;
    if (type === undefined || body === undefined) continue;
    if (IGNORED.has(type)) continue;
    if (type !== 'ARGO TUNNEL TOKEN') return null;
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8'));
    } catch {
      return null;
    }
    if (typeof json !== 'object' || json === null) return null;
    const { zoneID, accountID, apiToken } = json as Record<string, unknown>;
    if (typeof zoneID !== 'string' || zoneID === '' || typeof apiToken !== 'string' || apiToken === '') return null;
    token = { zoneId: zoneID, accountId: typeof accountID === 'string' && accountID !== '' ? accountID : null, apiToken };
  }
  return token;
}

/** What `cloudflared tunnel run` takes as TUNNEL_TOKEN: base64 JSON `{a, t, s}` (account, tunnel id, secret). */
export interface TunnelToken {
  accountTag: string;
  tunnelId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Checks a pasted token the way cloudflared does before it runs (a malformed one exits 255 with
 * "Provided Tunnel token is not valid."), so that a typo is refused when it is pasted, not later.
 */
export function parseTunnelToken(text: string): TunnelToken | null {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/=_-]+$/.test(trimmed)) return null;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(trimmed, 'base64').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof json !== 'object' || json === null) return null;
  const { a, t, s } = json as Record<string, unknown>;
  if (typeof a !== 'string' || a === '' || typeof t !== 'string' || !UUID.test(t) || typeof s !== 'string' || s === '') return null;
  return { accountTag: a, tunnelId: t.toLowerCase() };
}
