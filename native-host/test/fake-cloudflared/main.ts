/**
 * A fake `cloudflared` for machines without internet. It prints what cloudflared 2023.7.3 prints
 * for `cloudflared tunnel --url …` (every line is modelled on native-host/test/fixtures/cloudflared)
 * and really forwards traffic: a local "edge" HTTP server stands in for Cloudflare's edge and relays
 * requests for the public hostname to the --url origin.
 *
 * Environment:
 * - FAKE_CLOUDFLARED_MODE: ok (default), stubborn, die-after-live, edge-unreachable, edge-retry,
 *   config-yml, hang, offline, rate429, rate429-new, err500, badjson.
 * - FAKE_CLOUDFLARED_URL_DELAY_MS (0): how long the quick-tunnel API takes to answer.
 * - FAKE_CLOUDFLARED_REGISTER_DELAY_MS (100): from the URL box to "Registered tunnel connection".
 * - FAKE_CLOUDFLARED_DIE_AFTER_MS (500): die-after-live only, from registration to the crash.
 * - die-first-after-live: like die-after-live for the first FAKE_CLOUDFLARED_DEATHS (1) runs that share
 *   FAKE_CLOUDFLARED_STATE_DIR (each claims a `died-<n>` marker there), like ok after that: a tunnel
 *   that dies and, started again, stays up.
 * - FAKE_CLOUDFLARED_HOSTNAME: a fixed public hostname instead of a random one.
 * - FAKE_CLOUDFLARED_STATE_DIR: where to keep `<pid>.json` (see state.ts) for tests.
 *
 * Errors that are the fake's own (an unknown mode, a missing --url) exit with 2, so they cannot be
 * mistaken for cloudflared failing (exit 1).
 */

import { randomInt, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer, request as httpRequest, STATUS_CODES } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { isIP, connect as netConnect } from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { namedCommand, namedSubcommand } from './named';
import type { FakeCloudflaredState } from './state';

const VERSION = '2023.7.3';
const EDGE_IP = '198.41.200.13';
const EDGE_LOCATION = 'lhr01';

// ---------------------------------------------------------------------------------------------
// What cloudflared says, copied from the captured fixtures.

type Level = 'DBG' | 'INF' | 'WRN' | 'ERR' | 'FTL';
type Line = readonly [Level, string];

const DISCLAIMER =
  'Thank you for trying Cloudflare Tunnel. Doing so, without a Cloudflare account, is a quick way to experiment and try it out. However, be aware that these account-less Tunnels have no uptime guarantee. If you intend to use Tunnels in production you should use a pre-created named tunnel by following: https://developers.cloudflare.com/cloudflare-one/connections/connect-apps';
const REQUESTING = 'Requesting new quick Tunnel on trycloudflare.com...';
const BOX_HEADER = 'Your quick Tunnel has been created! Visit it at (it may take some time to be reachable):';
const NO_DEFAULT_CONFIG =
  'Cannot determine default configuration path. No file [config.yml config.yaml] in [~/.cloudflared ~/.cloudflare-warp ~/cloudflare-warp /etc/cloudflared /usr/local/etc/cloudflared]';
const GOOS = ({ win32: 'windows' } as Record<string, string>)[process.platform] ?? process.platform;
const GOARCH = ({ x64: 'amd64', ia32: '386' } as Record<string, string>)[process.arch] ?? process.arch;
const UPDATE_CHECK_FAILED: Line = [
  'ERR',
  `update check failed error="Get \\"https://update.argotunnel.com?arch=${GOARCH}&clientVersion=${VERSION}&os=${GOOS}\\": dial tcp: lookup update.argotunnel.com on 127.0.0.53:53: no such host"`,
];
const NO_PROTOCOL_PERCENTAGE: Line = ['WRN', 'Unable to lookup protocol percentage.'];
const ICMP_LINES: readonly Line[] = [
  ['INF', 'ICMP proxy will use 192.0.2.2 as source for IPv4'],
  ['INF', 'ICMP proxy will use fd00::2 in zone eth0 as source for IPv6'],
  [
    'WRN',
    'The user running cloudflared process has a GID (group ID) that is not within ping_group_range. You might need to add that user to a group within that range, or instead update the range to encompass a group the user is already in by modifying /proc/sys/net/ipv4/ping_group_range. Otherwise cloudflared will not be able to ping this network error="Group ID 0 is not between ping group 1 to 0"',
  ],
  [
    'WRN',
    'ICMP proxy feature is disabled error="cannot create ICMPv4 proxy: Group ID 0 is not between ping group 1 to 0 nor ICMPv6 proxy: socket: permission denied"',
  ],
];
const SRV_LOOKUP_FAILED = 'lookup _v2-origintunneld._tcp.argotunnel.com on 127.0.0.53:53: no such host';
const EDGE_DISCOVERY_FAILED: readonly Line[] = [
  ['ERR', `edge discovery: error looking up Cloudflare edge IPs: the DNS query failed error="${SRV_LOOKUP_FAILED}" event=0`],
  ['ERR', 'Please try the following things to diagnose this issue: event=0'],
  ['ERR', '  1. ensure that argotunnel.com is returning "origintunneld" service records. event=0'],
  ['ERR', "     Run your system's equivalent of: dig srv _origintunneld._tcp.argotunnel.com event=0"],
  ['ERR', '  2. ensure that your DNS resolver is not returning compressed SRV records. event=0'],
  ['ERR', '     See GitHub issue https://github.com/golang/go/issues/27546 event=0'],
  ['ERR', "     For example, you could use Cloudflare's 1.1.1.1 as your resolver: event=0"],
  ['ERR', '     https://developers.cloudflare.com/1.1.1.1/setting-up-1.1.1.1/ event=0'],
];
const EDGE_UNREACHABLE = `Could not lookup srv records on _v2-origintunneld._tcp.argotunnel.com: ${SRV_LOOKUP_FAILED}`;
/** What a ~/.cloudflared/config.yml naming a tunnel leaks into a quick tunnel's settings. */
const CONFIG_YML_SETTINGS = {
  'cred-file': '/nonexistent/6ff42ae2-765d-4adf-8112-31c55c1551ef.json',
  'credentials-file': '/nonexistent/6ff42ae2-765d-4adf-8112-31c55c1551ef.json',
};
/** quic-go's idle timeout: what a tunnel whose network went away reports. */
const CONNECTION_LOST = 'timeout: no recent network activity';
const NOT_JSON = "invalid character 'e' looking for beginning of value";

interface ApiFailure {
  afterMs: number;
  lines: readonly Line[];
  fatal: string;
}

/** The modes where the quick-tunnel API request fails, so no tunnel is ever created. */
const API_FAILURES = {
  offline: {
    afterMs: 140,
    lines: [],
    fatal:
      'failed to request quick Tunnel: Post "https://api.trycloudflare.com/tunnel": dial tcp: lookup api.trycloudflare.com on 127.0.0.53:53: no such host',
  },
  rate429: { afterMs: 100, lines: [], fatal: `failed to unmarshal quick Tunnel: ${NOT_JSON}` },
  // Releases from 2024 on log the body and status before failing (cmd/cloudflared/tunnel/quick_tunnel.go).
  'rate429-new': {
    afterMs: 100,
    lines: [['ERR', `Error unmarshaling QuickTunnel response: error code: 1015 error="${NOT_JSON}" status_code="429 Too Many Requests"`]],
    fatal: `failed to unmarshal quick Tunnel: ${NOT_JSON}`,
  },
  err500: { afterMs: 100, lines: [], fatal: "failed to unmarshal quick Tunnel: invalid character '<' looking for beginning of value" },
  badjson: { afterMs: 100, lines: [], fatal: 'failed to unmarshal quick Tunnel: unexpected EOF' },
} satisfies Record<string, ApiFailure>;
type ApiFailureMode = keyof typeof API_FAILURES;

const TUNNEL_MODES = ['ok', 'stubborn', 'die-after-live', 'die-first-after-live', 'edge-unreachable', 'edge-retry', 'config-yml'] as const;
type TunnelMode = (typeof TUNNEL_MODES)[number];
type Mode = TunnelMode | ApiFailureMode | 'hang';

/** Go's names for signals, as cloudflared prints them. */
const SIGNAL_NAMES: Record<string, string> = { SIGTERM: 'terminated', SIGINT: 'interrupt' };

// ---------------------------------------------------------------------------------------------
// Logging: zerolog's console format on stderr; stdout stays empty, as with the real one.

const LOG_LEVELS: Record<string, Level> = { debug: 'DBG', info: 'INF', warn: 'WRN', error: 'ERR', fatal: 'FTL' };
const LEVEL_RANK: Record<Level, number> = { DBG: 0, INF: 1, WRN: 2, ERR: 3, FTL: 4 };
let minimumRank = LEVEL_RANK.INF;

function timestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function log(level: Level, message: string): void {
  if (LEVEL_RANK[level] >= minimumRank) process.stderr.write(`${timestamp()} ${level} ${message}\n`);
}

function logAll(lines: readonly Line[]): void {
  for (const [level, message] of lines) log(level, message);
}

/** The error cloudflared exits with is printed last, alone, whatever --loglevel says. */
function printFatal(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** cloudflared's AsciiBox: rows padded to the longest one, two spaces either side. */
function asciiBox(rows: readonly string[]): string[] {
  const width = Math.max(...rows.map((row) => row.length));
  const border = `+${'-'.repeat(width + 4)}+`;
  return [border, ...rows.map((row) => `|  ${row.padEnd(width)}  |`), border];
}

// ---------------------------------------------------------------------------------------------
// Command line: urfave/cli on Go's flag package, so `-flag`, `--flag value`, `--flag=value`.

type FlagKind = 'string' | 'bool' | 'duration';

const FLAGS: Record<string, FlagKind> = {
  url: 'string',
  'http-host-header': 'string',
  metrics: 'string',
  'no-autoupdate': 'bool',
  config: 'string',
  'no-tls-verify': 'bool',
  'origin-server-name': 'string',
  'grace-period': 'duration',
  loglevel: 'string',
  protocol: 'string',
  'edge-ip-version': 'string',
  'metrics-update-freq': 'duration',
};

/** A mistake cloudflared itself would reject: printed as urfave/cli prints it, exit 1. */
class UsageError extends Error {}
/** A request the fake cannot honour: exit 2. */
class FakeError extends Error {}

/** Flag values as cloudflared's `Settings: map[…]` line prints them. */
type Flags = Map<string, string>;

function parseFlags(args: readonly string[]): Flags {
  const flags: Flags = new Map();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (!/^--?[^-]/.test(arg)) throw new FakeError(`unexpected argument "${arg}"; the fake only takes flags after "tunnel"`);
    const body = arg.replace(/^--?/, '');
    const equals = body.indexOf('=');
    const name = equals === -1 ? body : body.slice(0, equals);
    const kind = FLAGS[name];
    if (kind === undefined) throw new UsageError(`flag provided but not defined: -${name}`);
    if (kind === 'bool') {
      flags.set(name, equals === -1 ? 'true' : parseGoBool(name, body.slice(equals + 1)));
      continue;
    }
    const value = equals === -1 ? args[++i] : body.slice(equals + 1);
    if (value === undefined) throw new UsageError(`flag needs an argument: -${name}`);
    flags.set(name, kind === 'duration' ? formatGoDuration(parseFlagDuration(name, value)) : value);
  }
  return flags;
}

function parseGoBool(name: string, text: string): string {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(text)) return 'true';
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(text)) return 'false';
  throw new UsageError(`invalid boolean value "${text}" for -${name}: parse error`);
}

function parseFlagDuration(name: string, text: string): number {
  const nanoseconds = parseGoDuration(text);
  if (nanoseconds === undefined) throw new UsageError(`invalid value "${text}" for flag -${name}: parse error`);
  return nanoseconds;
}

const NANOSECONDS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go's time.ParseDuration, in nanoseconds. */
function parseGoDuration(text: string): number | undefined {
  const sign = text.startsWith('-') ? -1 : 1;
  const rest = text.replace(/^[-+]/, '');
  if (rest === '0') return 0;
  const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
  let total = 0;
  while (part.lastIndex < rest.length) {
    const match = part.exec(rest);
    if (!match) return undefined;
    total += Number(match[1]) * (NANOSECONDS[match[2] ?? ''] ?? 0);
  }
  return rest === '' ? undefined : sign * Math.round(total);
}

/** Go's time.Duration.String(), which the Settings line uses: 30s, 500ms, 1m30s, 1h0m0s. */
function formatGoDuration(nanoseconds: number): string {
  const sign = nanoseconds < 0 ? '-' : '';
  const ns = Math.abs(nanoseconds);
  if (ns === 0) return '0s';
  if (ns < 1e3) return `${sign}${ns}ns`;
  if (ns < 1e6) return `${sign}${trimFraction(ns / 1e3)}µs`;
  if (ns < 1e9) return `${sign}${trimFraction(ns / 1e6)}ms`;
  const hours = Math.floor(ns / 3600e9);
  const minutes = Math.floor((ns % 3600e9) / 60e9);
  const seconds = (ns % 60e9) / 1e9;
  return `${sign}${hours > 0 ? `${hours}h` : ''}${hours > 0 || minutes > 0 ? `${minutes}m` : ''}${trimFraction(seconds)}s`;
}

function trimFraction(value: number): string {
  return String(Number(value.toFixed(9)));
}

interface TunnelOptions {
  flags: Flags;
  origin: URL;
  /** The Host the origin sees: the public hostname unless --http-host-header says otherwise. */
  hostHeader: string | undefined;
  noTlsVerify: boolean;
  originServerName: string | undefined;
  gracePeriodMs: number;
  /** The protocol cloudflared starts with; quick tunnels default to quic. */
  protocol: string;
}

function tunnelOptions(flags: Flags): TunnelOptions {
  const url = flags.get('url');
  if (url === undefined) throw new FakeError('--url is required (the fake has no default origin)');
  const protocol = flags.get('protocol') ?? 'quic';
  return {
    flags,
    origin: parseOrigin(url),
    hostHeader: flags.get('http-host-header'),
    noTlsVerify: flags.get('no-tls-verify') === 'true',
    originServerName: flags.get('origin-server-name'),
    gracePeriodMs: (parseGoDuration(flags.get('grace-period') ?? '30s') ?? 0) / 1e6,
    protocol: protocol === 'auto' ? 'quic' : protocol,
  };
}

/** Like cloudflared, `localhost:8080` means http://localhost:8080. */
function parseOrigin(raw: string): URL {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    throw new FakeError(`--url ${raw} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new FakeError(`--url ${raw}: the fake forwards only http and https`);
  return url;
}

/** cloudflared logs every flag that is set, plus what quick tunnels force, sorted as Go prints maps. */
function settingsLine(flags: Flags, leaked: Record<string, string>): string {
  const settings: Record<string, string> = {
    ...Object.fromEntries(flags),
    ...leaked,
    'ha-connections': '1',
    protocol: flags.get('protocol') ?? 'quic',
  };
  const entries = Object.keys(settings)
    .sort()
    .map((key) => `${key}:${settings[key]}`);
  return `Settings: map[${entries.join(' ')}]`;
}

// ---------------------------------------------------------------------------------------------
// State file, for tests: written whole and renamed, so a reader never sees half of it.

const stateDir = process.env.FAKE_CLOUDFLARED_STATE_DIR;
const stateFile = stateDir ? join(stateDir, `${process.pid}.json`) : undefined;
let state: FakeCloudflaredState | undefined;

function saveState(patch: Partial<FakeCloudflaredState>): void {
  if (state === undefined || stateDir === undefined || stateFile === undefined) return;
  state = { ...state, ...patch };
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(`${stateFile}.tmp`, JSON.stringify(state));
  renameSync(`${stateFile}.tmp`, stateFile);
}

function exitCleanly(code: number): void {
  if (stateFile !== undefined) rmSync(stateFile, { force: true });
  process.stderr.write('', () => process.exit(code));
}

// ---------------------------------------------------------------------------------------------
// The tunnel: an edge that relays to the origin, a metrics server, and the lifecycle around them.

interface Tunnel {
  mode: TunnelMode;
  options: TunnelOptions;
  hostname: string;
  connectorId: string;
  status: 'connecting' | 'registered' | 'draining';
  inFlight: number;
  onIdle: (() => void) | undefined;
  timers: NodeJS.Timeout[];
  metricsAddress: string | undefined;
  metricsError: string | undefined;
}

function schedule(tunnel: Tunnel, ms: number, action: () => void): void {
  tunnel.timers.push(setTimeout(action, ms));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function envMs(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && process.env[name] !== '' ? value : fallback;
}

const WORDS = [
  'sunny',
  'otter',
  'quality',
  'lamps',
  'grocery',
  'inputs',
  'connectivity',
  'allowed',
  'river',
  'maple',
  'copper',
  'garden',
  'silent',
  'rocket',
  'window',
  'paper',
  'marble',
  'planet',
  'violin',
  'harbor',
  'candle',
  'meadow',
  'pencil',
  'thunder',
  'velvet',
  'winter',
  'summer',
  'orange',
  'purple',
  'silver',
  'golden',
  'forest',
  'desert',
  'island',
  'canyon',
  'valley',
  'bridge',
  'castle',
  'engine',
  'falcon',
  'glacier',
  'horizon',
  'jungle',
  'ladder',
  'magnet',
  'needle',
  'oyster',
  'pepper',
  'quartz',
  'saddle',
  'tunnel',
  'umbrella',
  'walnut',
  'yellow',
  'zebra',
  'anchor',
  'basket',
  'cactus',
  'dolphin',
  'eagle',
  'feather',
  'guitar',
  'hammer',
  'jacket',
  'kettle',
  'lemon',
  'mirror',
  'nickel',
  'olive',
  'parrot',
  'rabbit',
  'salmon',
  'tomato',
  'turtle',
  'wizard',
  'arrow',
  'cookie',
  'dragon',
  'flower',
  'honey',
  'lotus',
  'mango',
  'noodle',
  'pillow',
  'record',
  'spider',
  'ticket',
  'vacuum',
  'wallet',
  'budget',
  'clinic',
  'debate',
  'fiscal',
  'modern',
  'pledge',
  'scholar',
];

/** Four distinct words, as trycloudflare.com names them. */
function randomHostname(): string {
  const pool = [...WORDS];
  const words = Array.from({ length: 4 }, () => pool.splice(randomInt(pool.length), 1)[0]);
  return `${words.join('-')}.trycloudflare.com`;
}

const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
];
/** Headers the edge sets itself rather than passing on from the visitor. */
const EDGE_SET = ['host', 'x-forwarded-for', 'x-forwarded-proto', 'cf-connecting-ip'];

/** Drops hop-by-hop headers, including those the Connection header names. */
function endToEndHeaders(raw: readonly string[], alsoDrop: readonly string[]): string[] {
  const drop = new Set([...HOP_BY_HOP, ...alsoDrop]);
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]?.toLowerCase() !== 'connection') continue;
    for (const token of (raw[i + 1] ?? '').split(',')) drop.add(token.trim().toLowerCase());
  }
  return keepHeaders(raw, (name) => !drop.has(name));
}

function keepHeaders(raw: readonly string[], keep: (lowerCaseName: string) => boolean): string[] {
  const kept: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? '';
    if (keep(name.toLowerCase())) kept.push(name, raw[i + 1] ?? '');
  }
  return kept;
}

function withEdgeHeaders(tunnel: Tunnel, headers: string[]): string[] {
  return [
    'Host',
    tunnel.options.hostHeader ?? tunnel.hostname,
    ...headers,
    'X-Forwarded-For',
    '127.0.0.1',
    'X-Forwarded-Proto',
    'https',
    'Cf-Connecting-Ip',
    '127.0.0.1',
  ];
}

interface OriginTarget {
  https: boolean;
  host: string;
  port: number;
  /** SNI: --origin-server-name, else the origin's own name; never an IP, which TLS forbids. */
  servername: string;
  rejectUnauthorized: boolean;
}

function originTarget(options: TunnelOptions): OriginTarget {
  const https = options.origin.protocol === 'https:';
  const host = options.origin.hostname.replace(/^\[|\]$/g, '');
  return {
    https,
    host,
    port: Number(options.origin.port) || (https ? 443 : 80),
    servername: options.originServerName ?? (isIP(host) === 0 ? host : ''),
    rejectUnauthorized: !options.noTlsVerify,
  };
}

/** Why the edge will not relay this request, if it will not. */
function edgeRefusal(tunnel: Tunnel, host: string | undefined): { status: number; body: string } | undefined {
  if (host?.replace(/:\d+$/, '').toLowerCase() !== tunnel.hostname) return { status: 404, body: 'no tunnel for this host\n' };
  // Cloudflare answers 530 with error 1033 while no connector is registered for a tunnel.
  if (tunnel.status !== 'registered') return { status: 530, body: 'error code: 1033' };
  return undefined;
}

const BAD_GATEWAY_PAGE =
  '<!DOCTYPE html><html><head><title>502 Bad gateway</title></head><body><h1>Bad gateway</h1><p>Error code 502</p><p>The origin web server could not be reached through the Cloudflare Tunnel.</p></body></html>\n';

/** In-flight requests are what a graceful shutdown waits for. */
function trackInFlight(tunnel: Tunnel, closable: { once(event: 'close', listener: () => void): unknown }): void {
  tunnel.inFlight++;
  closable.once('close', () => {
    tunnel.inFlight--;
    if (tunnel.inFlight === 0) tunnel.onIdle?.();
  });
}

function handleEdgeRequest(tunnel: Tunnel, req: IncomingMessage, res: ServerResponse): void {
  const refusal = edgeRefusal(tunnel, req.headers.host);
  if (refusal) {
    res.writeHead(refusal.status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(refusal.body);
    return;
  }
  trackInFlight(tunnel, res);
  relayToOrigin(tunnel, req, res);
}

/**
 * Streams both bodies through as they come: nothing is buffered whole. The request side uses pipe,
 * not pipeline: pipeline would destroy an unread request, and with it the socket the 502 goes to.
 */
function relayToOrigin(tunnel: Tunnel, req: IncomingMessage, res: ServerResponse): void {
  const target = originTarget(tunnel.options);
  const request = target.https ? httpsRequest : httpRequest;
  const upstream = request({
    host: target.host,
    port: target.port,
    method: req.method,
    path: req.url,
    headers: withEdgeHeaders(tunnel, endToEndHeaders(req.rawHeaders, EDGE_SET)),
    servername: target.servername,
    rejectUnauthorized: target.rejectUnauthorized,
  });
  upstream.on('response', (originRes) => {
    res.writeHead(originRes.statusCode ?? 502, originRes.statusMessage, endToEndHeaders(originRes.rawHeaders, []));
    pipeline(originRes, res, () => undefined);
  });
  upstream.on('error', () => {
    if (res.headersSent) res.destroy();
    else res.writeHead(502, { 'Content-Type': 'text/html; charset=utf-8' }).end(BAD_GATEWAY_PAGE);
  });
  req.pipe(upstream);
  // The visitor went away: so does the request to the origin.
  res.once('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
}

/** WebSockets and other upgrades: replay the request head to the origin, then relay raw bytes. */
function handleEdgeUpgrade(tunnel: Tunnel, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  const refusal = edgeRefusal(tunnel, req.headers.host);
  if (refusal) {
    socket.end(rawResponse(refusal.status, 'text/plain; charset=utf-8', refusal.body));
    return;
  }
  trackInFlight(tunnel, socket);
  let connected = false;
  const origin = connectToOrigin(tunnel.options, () => {
    connected = true;
    origin.write(upgradeRequestHead(tunnel, req));
    origin.write(head);
    origin.pipe(socket).pipe(origin);
  });
  origin.on('error', () => {
    if (connected) socket.destroy();
    else socket.end(rawResponse(502, 'text/html; charset=utf-8', BAD_GATEWAY_PAGE));
  });
  socket.on('error', () => origin.destroy());
  socket.on('close', () => origin.destroy());
}

function connectToOrigin(options: TunnelOptions, onConnect: () => void): Socket {
  const target = originTarget(options);
  if (!target.https) return netConnect({ host: target.host, port: target.port }, onConnect);
  return tlsConnect(
    { host: target.host, port: target.port, servername: target.servername, rejectUnauthorized: target.rejectUnauthorized },
    onConnect,
  );
}

function upgradeRequestHead(tunnel: Tunnel, req: IncomingMessage): string {
  const headers = withEdgeHeaders(
    tunnel,
    keepHeaders(req.rawHeaders, (name) => !EDGE_SET.includes(name)),
  );
  const lines = [`${req.method} ${req.url} HTTP/1.1`];
  for (let i = 0; i + 1 < headers.length; i += 2) lines.push(`${headers[i]}: ${headers[i + 1]}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

function rawResponse(status: number, contentType: string, body: string): string {
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'unknown'}\r\n` +
    `Content-Type: ${contentType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}

function handleMetrics(tunnel: Tunnel, req: IncomingMessage, res: ServerResponse): void {
  const path = new URL(req.url ?? '/', 'http://metrics').pathname;
  const ready = tunnel.status === 'registered';
  const text = 'text/plain; charset=utf-8';
  if (path === '/ready') {
    const status = ready ? 200 : 503;
    const body = { status, readyConnections: ready ? 1 : 0, connectorId: tunnel.connectorId };
    res.writeHead(status, { 'Content-Type': text }).end(JSON.stringify(body));
  } else if (path === '/quicktunnel') {
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ hostname: tunnel.hostname }));
  } else if (path === '/healthcheck') {
    res.writeHead(200, { 'Content-Type': text }).end('OK\n');
  } else if (path === '/metrics') {
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' }).end(prometheusText(ready));
  } else {
    res.writeHead(404, { 'Content-Type': text }).end('404 page not found\n');
  }
}

function prometheusText(ready: boolean): string {
  return [
    '# HELP build_info Build and version information',
    '# TYPE build_info gauge',
    `build_info{goversion="go1.19.8",revision="unknown",version="${VERSION}"} 1`,
    '# HELP cloudflared_tunnel_ha_connections Number of active ha connections',
    '# TYPE cloudflared_tunnel_ha_connections gauge',
    `cloudflared_tunnel_ha_connections ${ready ? 1 : 0}`,
    '',
  ].join('\n');
}

function listen(server: Server, host: string | undefined, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** As Go prints a net.Addr: IPv6 in brackets. */
function goAddress(address: AddressInfo): string {
  return address.family === 'IPv6' ? `[${address.address}]:${address.port}` : `${address.address}:${address.port}`;
}

/** A failure to listen is kept, in cloudflared's words, to be reported where cloudflared reports it. */
async function startMetrics(tunnel: Tunnel, listenAddress: string): Promise<void> {
  const colon = listenAddress.lastIndexOf(':');
  if (colon === -1) {
    tunnel.metricsError = `listen tcp ${listenAddress}: address ${listenAddress}: missing port in address`;
    return;
  }
  const host = listenAddress.slice(0, colon).replace(/^\[|\]$/g, '') || undefined;
  const server = createServer((req, res) => handleMetrics(tunnel, req, res));
  try {
    tunnel.metricsAddress = goAddress(await listen(server, host, Number(listenAddress.slice(colon + 1))));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'EADDRINUSE' ? 'bind: address already in use' : (error as Error).message;
    tunnel.metricsError = `listen tcp ${listenAddress}: ${reason}`;
  }
}

async function startEdge(tunnel: Tunnel): Promise<string> {
  const server = createServer((req, res) => handleEdgeRequest(tunnel, req, res));
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => handleEdgeUpgrade(tunnel, req, socket, head));
  return goAddress(await listen(server, '127.0.0.1', 0));
}

// ---------------------------------------------------------------------------------------------
// Lifecycle

/** Lines between the box and the first ICMP line, in the order each capture shows them. */
function startupLines(tunnel: Tunnel): Line[] {
  const { flags } = tunnel.options;
  const lines: Line[] = [];
  // Said when neither --config nor a config file in the default places exists; config-yml found one.
  if (!flags.has('config') && tunnel.mode !== 'config-yml') lines.push(['INF', NO_DEFAULT_CONFIG]);
  lines.push(
    ['INF', `Version ${VERSION}`],
    ['INF', `GOOS: ${GOOS}, GOVersion: go1.19.8, GoArch: ${GOARCH}`],
    ['INF', settingsLine(flags, tunnel.mode === 'config-yml' ? CONFIG_YML_SETTINGS : {})],
    ['INF', `Generated Connector ID: ${tunnel.connectorId}`],
  );
  const initialProtocol: Line = ['INF', `Initial protocol ${tunnel.options.protocol}`];
  // The update check and the protocol-percentage lookup run concurrently; each capture shows one order.
  if (tunnel.mode === 'edge-unreachable') lines.push(NO_PROTOCOL_PERCENTAGE, initialProtocol, UPDATE_CHECK_FAILED);
  else if (tunnel.mode === 'edge-retry' || tunnel.mode === 'config-yml')
    lines.push(UPDATE_CHECK_FAILED, NO_PROTOCOL_PERCENTAGE, initialProtocol);
  // Online, both lookups succeed silently: the two lines above only ever say the DNS failed.
  else lines.push(initialProtocol);
  return lines;
}

function metricsLine(tunnel: Tunnel): Line {
  return ['INF', `Starting metrics server on ${tunnel.metricsAddress}/metrics`];
}

async function runTunnel(mode: TunnelMode, options: TunnelOptions): Promise<void> {
  const tunnel: Tunnel = {
    mode,
    options,
    hostname: process.env.FAKE_CLOUDFLARED_HOSTNAME?.toLowerCase() ?? randomHostname(),
    connectorId: randomUUID(),
    status: 'connecting',
    inFlight: 0,
    onIdle: undefined,
    timers: [],
    metricsAddress: undefined,
    metricsError: undefined,
  };
  const edge = await startEdge(tunnel);
  await startMetrics(tunnel, options.flags.get('metrics') ?? '127.0.0.1:0');
  saveState({ hostname: tunnel.hostname, url: `https://${tunnel.hostname}`, edge, metrics: tunnel.metricsAddress ?? null });
  await sleep(envMs('FAKE_CLOUDFLARED_URL_DELAY_MS', 0));
  for (const row of asciiBox([BOX_HEADER, `https://${tunnel.hostname}`])) log('INF', row);
  logAll(startupLines(tunnel));
  if (tunnel.metricsError !== undefined) {
    log('ERR', `Error opening metrics server listener error="${tunnel.metricsError}"`);
    printFatal(`Error opening metrics server listener: ${tunnel.metricsError}`);
    exitCleanly(1);
    return;
  }
  logAll(ICMP_LINES);
  handleSignals(tunnel);
  if (mode === 'edge-unreachable' || mode === 'config-yml') failEdgeDiscovery(tunnel);
  else if (mode === 'edge-retry') logAll([...EDGE_DISCOVERY_FAILED, metricsLine(tunnel)]);
  else goOnline(tunnel);
}

function goOnline(tunnel: Tunnel): void {
  logAll([metricsLine(tunnel)]);
  schedule(tunnel, envMs('FAKE_CLOUDFLARED_REGISTER_DELAY_MS', 100), () => {
    tunnel.status = 'registered';
    saveState({ registered: true });
    const connection = randomUUID();
    log(
      'INF',
      `Registered tunnel connection connIndex=0 connection=${connection} event=0 ip=${EDGE_IP} location=${EDGE_LOCATION} protocol=${tunnel.options.protocol}`,
    );
    if (tunnel.mode === 'die-first-after-live' && claimDeath())
      schedule(tunnel, envMs('FAKE_CLOUDFLARED_DIE_AFTER_MS', 500), () => dieOnItsOwn(tunnel));
    if (tunnel.mode === 'die-after-live') schedule(tunnel, envMs('FAKE_CLOUDFLARED_DIE_AFTER_MS', 500), () => dieOnItsOwn(tunnel));
  });
}

/** The capture's ending: a second failed discovery, then cloudflared gives up (0.7 s in all). */
function failEdgeDiscovery(tunnel: Tunnel): void {
  logAll([...EDGE_DISCOVERY_FAILED, metricsLine(tunnel)]);
  schedule(tunnel, 600, () => {
    logAll([...EDGE_DISCOVERY_FAILED, ['INF', 'Tunnel server stopped'], ['ERR', `Initiating shutdown error="${EDGE_UNREACHABLE}"`]]);
    schedule(tunnel, 100, () => {
      log('INF', 'Metrics server stopped');
      printFatal(EDGE_UNREACHABLE);
      exitCleanly(1);
    });
  });
}

/** Whether this run is one of the first FAKE_CLOUDFLARED_DEATHS: claims the first free `died-<n>` marker (mkdir is atomic). */
function claimDeath(): boolean {
  if (stateDir === undefined) return true;
  const deaths = Number(process.env.FAKE_CLOUDFLARED_DEATHS ?? '1');
  mkdirSync(stateDir, { recursive: true });
  for (let n = 1; n <= deaths; n++) {
    try {
      mkdirSync(join(stateDir, `died-${n}`));
      return true;
    } catch {
      // Claimed by an earlier run.
    }
  }
  return false;
}

/** Stands for cloudflared stopping on its own: it ends the way the captures end on an error. */
function dieOnItsOwn(tunnel: Tunnel): void {
  tunnel.status = 'connecting';
  saveState({ registered: false });
  logAll([
    ['ERR', `Connection terminated error="${CONNECTION_LOST}" connIndex=0`],
    ['INF', 'Tunnel server stopped'],
    ['ERR', `Initiating shutdown error="${CONNECTION_LOST}"`],
    ['INF', 'Metrics server stopped'],
  ]);
  printFatal(CONNECTION_LOST);
  exitCleanly(1);
}

/**
 * cloudflared's waitForSignalWithGraceShutdown: the first SIGTERM/SIGINT starts a graceful
 * shutdown and unregisters the handler, so a second one kills the process at once, by signal.
 * Before this is called (while the quick tunnel is being requested) signals kill at once too.
 */
function handleSignals(tunnel: Tunnel): void {
  const onSignal = (signal: NodeJS.Signals): void => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    shutDownGracefully(tunnel, signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

function shutDownGracefully(tunnel: Tunnel, signal: NodeJS.Signals): void {
  for (const timer of tunnel.timers) clearTimeout(timer);
  log('INF', `Initiating graceful shutdown due to signal ${SIGNAL_NAMES[signal] ?? signal} ...`);
  // connection/control.go: the edge confirms the unregistration before requests in flight drain.
  if (tunnel.status === 'registered') log('INF', `Unregistered tunnel connection connIndex=0 event=0 ip=${EDGE_IP}`);
  tunnel.status = 'draining';
  saveState({ registered: false });
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    logAll([
      ['INF', 'Tunnel server stopped'],
      ['INF', 'Metrics server stopped'],
    ]);
    exitCleanly(0);
  };
  setTimeout(stop, tunnel.options.gracePeriodMs);
  if (tunnel.mode === 'stubborn') return;
  if (tunnel.inFlight === 0) stop();
  else tunnel.onIdle = stop;
}

async function runApiFailure(failure: ApiFailure): Promise<void> {
  await sleep(envMs('FAKE_CLOUDFLARED_URL_DELAY_MS', 0) + failure.afterMs);
  logAll(failure.lines);
  printFatal(failure.fatal);
  exitCleanly(1);
}

function parseMode(): Mode {
  const mode = process.env.FAKE_CLOUDFLARED_MODE || 'ok';
  if (isTunnelMode(mode) || isApiFailureMode(mode) || mode === 'hang') return mode;
  const known = [...TUNNEL_MODES, ...Object.keys(API_FAILURES), 'hang'];
  throw new FakeError(`unknown FAKE_CLOUDFLARED_MODE "${mode}"; known: ${known.join(', ')}`);
}

function isTunnelMode(mode: string): mode is TunnelMode {
  return (TUNNEL_MODES as readonly string[]).includes(mode);
}

function isApiFailureMode(mode: string): mode is ApiFailureMode {
  return Object.hasOwn(API_FAILURES, mode);
}

async function tunnelCommand(args: readonly string[]): Promise<void> {
  const mode = parseMode();
  const options = tunnelOptions(parseFlags(args));
  const config = options.flags.get('config');
  // urfave/cli reads --config before the command runs, so a missing file is all that is printed.
  if (config !== undefined && !existsSync(config)) {
    printFatal(`open ${config}: no such file or directory`);
    exitCleanly(1);
    return;
  }
  minimumRank = LEVEL_RANK[LOG_LEVELS[options.flags.get('loglevel') ?? 'info'] ?? 'INF'];
  state = { pid: process.pid, argv: process.argv.slice(2), mode, hostname: null, url: null, edge: null, metrics: null, registered: false };
  saveState({});
  log('INF', DISCLAIMER);
  log('INF', REQUESTING);
  if (isApiFailureMode(mode)) await runApiFailure(API_FAILURES[mode]);
  else if (isTunnelMode(mode)) await runTunnel(mode, options);
  // hang: the quick-tunnel API never answers; stay alive until killed.
  else setInterval(() => undefined, 1 << 30);
}

function versionCommand(args: readonly string[]): void {
  process.stdout.write(args.includes('--short') ? `${VERSION}\n` : `cloudflared version ${VERSION} (built unknown)\n`);
}

async function main(argv: readonly string[]): Promise<void> {
  const [command, ...args] = argv;
  try {
    if (command === '--version' || command === '-v' || command === 'version') versionCommand(args);
    else if (command === 'tunnel' && namedSubcommand(args) !== null) await namedCommand(args);
    else if (command === 'tunnel') await tunnelCommand(args);
    else throw new FakeError(`the fake knows only "tunnel" and "version", not ${JSON.stringify(command ?? '')}`);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`Incorrect Usage: ${error.message}\n`);
      exitCleanly(1);
    } else if (error instanceof FakeError) {
      process.stderr.write(`fake cloudflared: ${error.message}\n`);
      exitCleanly(2);
    } else {
      throw error;
    }
  }
}

await main(process.argv.slice(2));
