/**
 * Turns one line of cloudflared's stderr into a typed event. Pure and stateless: every pattern
 * sits here with a real sample line above it (from native-host/test/fixtures/cloudflared, or read
 * off cloudflared's source where no capture exists, as marked).
 */

export type TunnelFailureCode = 'offline' | 'rate-limited' | 'tunnel-service-error' | 'edge-unreachable';
export type LogLevel = 'DBG' | 'INF' | 'WRN' | 'ERR' | 'FTL';

export type CloudflaredLine =
  /** The public address from the "quick Tunnel has been created" box. */
  | { kind: 'url'; url: string }
  /** A connection to Cloudflare's edge is up: visitors can reach the tunnel. */
  | { kind: 'registered'; connIndex: number; location: string | null }
  | { kind: 'metrics'; address: string }
  /** Something that explains a failure. `fatal` lines are cloudflared's last words before exiting. */
  | { kind: 'problem'; code: TunnelFailureCode; fatal: boolean; text: string }
  /** Settings from a config.yml (named tunnel, credentials) leaked into the quick tunnel. */
  | { kind: 'config-leak'; text: string }
  | { kind: 'shutdown'; text: string }
  /** Any other line; `level` is null for cloudflared's bare final line. */
  | { kind: 'log'; level: LogLevel | null; text: string };

// 2026-11-25T02:48:29Z INF Requesting new quick Tunnel on trycloudflare.com...
const LOG_LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) (DBG|INF|WRN|ERR|FTL) (.*)$/;

// 2026-11-25T02:48:29Z INF |  https://sunny-otter-quality-lamps.trycloudflare.com                                       |
const URL_ROW = /^\|\s+(https:\/\/[a-z0-9][a-z0-9.-]*\.[a-z]{2,})\s+\|$/i;

// (read off connection/observer.go; not captured, these machines have no internet)
// 2026-11-25T02:50:00Z INF Registered tunnel connection connIndex=0 connection=0b7c… event=0 ip=198.41.200.13 location=lhr01 protocol=quic
const REGISTERED = /^Registered tunnel connection\b(.*)$/;

// 2026-11-25T02:48:30Z INF Starting metrics server on 127.0.0.1:39391/metrics
const METRICS = /^Starting metrics server on (\S+?)\/metrics$/;

// 2026-11-25T02:48:54Z INF Initiating graceful shutdown due to signal terminated ...
const GRACEFUL_SHUTDOWN = /^Initiating graceful shutdown\b/;

// 2026-11-25T02:49:03Z INF Settings: map[cred-file:/nonexistent/6ff4….json credentials-file:/nonexistent/6ff4….json ha-connections:1 …]
const SETTINGS_WITH_NAMED_TUNNEL = /^Settings: map\[.*\b(?:cred-file|credentials-file|tunnel|hostname):/;

// (read off cmd/cloudflared/tunnel/quick_tunnel.go, releases from 2024 on)
// 2026-11-25T02:48:31Z ERR Error unmarshaling QuickTunnel response: error code: 1015 error="invalid character 'e' looking for beginning of value" status_code="429 Too Many Requests"
const QUICK_TUNNEL_RESPONSE_ERROR = /^Error unmarshaling QuickTunnel response:/;
const RATE_LIMITED_STATUS = /status_code="429\b|error code: 1015\b/;

// Bare final lines, printed alone when cloudflared gives up:
// failed to request quick Tunnel: Post "https://api.trycloudflare.com/tunnel": dial tcp: lookup api.trycloudflare.com on 127.0.0.53:53: no such host
const REQUEST_FAILED = /^failed to request quick Tunnel\b/;
// failed to unmarshal quick Tunnel: invalid character 'e' looking for beginning of value
//   (2023 releases: the 429 body "error code: 1015" is not JSON, and this is all they say of it)
const RATE_LIMITED_BODY = /^failed to unmarshal quick Tunnel: invalid character 'e' looking for beginning of value/;
// failed to unmarshal quick Tunnel: invalid character '<' looking for beginning of value
// failed to unmarshal quick Tunnel: unexpected EOF
const SERVICE_ANSWER_BAD = /quick Tunnel/i;

// 2026-11-25T02:48:29Z ERR edge discovery: error looking up Cloudflare edge IPs: the DNS query failed error="lookup _v2-origintunneld._tcp.argotunnel.com on 127.0.0.53:53: no such host" event=0
// Could not lookup srv records on _v2-origintunneld._tcp.argotunnel.com: lookup … no such host
// (read off cloudflared's source: supervisor/tunnel.go and connection/quic.go)
// ERR Failed to dial a quic connection error="failed to dial to edge with quic: timeout: no recent network activity"
// ERR Unable to establish connection with Cloudflare edge error="…"
// ERR Serve tunnel error error="…"
const EDGE_UNREACHABLE =
  /^(?:edge discovery:|Could not lookup srv records|Failed to dial a quic connection|Unable to establish connection with Cloudflare edge|Serve tunnel error|Initiating shutdown error="Could not lookup srv records)/;

export function parseCloudflaredLine(rawLine: string): CloudflaredLine | null {
  const line = rawLine.replace(/\r$/, '').trimEnd();
  if (line.trim() === '') return null;
  const match = LOG_LINE.exec(line);
  if (match === null) return parseBareLine(line.trim());
  const level = match[2] as LogLevel;
  const text = match[3] ?? '';
  return parseMessage(level, text) ?? { kind: 'log', level, text };
}

function parseMessage(level: LogLevel, text: string): CloudflaredLine | null {
  const url = URL_ROW.exec(text);
  if (url?.[1] !== undefined) return { kind: 'url', url: url[1].toLowerCase() };
  const registered = REGISTERED.exec(text);
  if (registered !== null) {
    const fields = parseFields(registered[1] ?? '');
    return { kind: 'registered', connIndex: Number(fields.connIndex ?? 0), location: fields.location ?? null };
  }
  const metrics = METRICS.exec(text);
  if (metrics?.[1] !== undefined) return { kind: 'metrics', address: metrics[1] };
  if (GRACEFUL_SHUTDOWN.test(text)) return { kind: 'shutdown', text };
  if (SETTINGS_WITH_NAMED_TUNNEL.test(text)) return { kind: 'config-leak', text };
  if (QUICK_TUNNEL_RESPONSE_ERROR.test(text)) {
    return { kind: 'problem', code: RATE_LIMITED_STATUS.test(text) ? 'rate-limited' : 'tunnel-service-error', fatal: false, text };
  }
  if ((level === 'ERR' || level === 'FTL') && EDGE_UNREACHABLE.test(text)) {
    return { kind: 'problem', code: 'edge-unreachable', fatal: level === 'FTL', text };
  }
  return null;
}

function parseBareLine(text: string): CloudflaredLine {
  if (REQUEST_FAILED.test(text)) return { kind: 'problem', code: 'offline', fatal: true, text };
  if (RATE_LIMITED_BODY.test(text)) return { kind: 'problem', code: 'rate-limited', fatal: true, text };
  if (SERVICE_ANSWER_BAD.test(text)) return { kind: 'problem', code: 'tunnel-service-error', fatal: true, text };
  if (EDGE_UNREACHABLE.test(text)) return { kind: 'problem', code: 'edge-unreachable', fatal: true, text };
  return { kind: 'log', level: null, text };
}

/** `key=value key="quoted value"` as cloudflared's zerolog console writer prints them. */
export function parseFields(text: string): Record<string, string> {
  const fields: Record<string, string> = Object.create(null);
  for (const match of text.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
    const [, key, raw] = match;
    if (key === undefined || raw === undefined) continue;
    fields[key] = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
  }
  return fields;
}

// cloudflared version 2023.7.3 (built unknown)
const VERSION = /cloudflared version (\S+)/;

export function parseCloudflaredVersion(output: string): string | null {
  return VERSION.exec(output)?.[1] ?? null;
}
