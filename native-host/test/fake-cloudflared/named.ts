/**
 * The fake cloudflared's named-tunnel commands, modelled on the real 2023.7.3 output captured in
 * ../shared/fixtures/cloudflared/named/ (every message below is copied from a capture, or read off
 * cloudflared's source where marked): `tunnel login`, `create`, `route dns`, `delete`, `list`,
 * `info`, `cleanup`, and `run` from a config file or a token. The account commands really call the
 * API at `--api-url` (the stand-in in native-host/test/cloudflare-standin), so every error comes
 * from an API answer, as with the real one. `run` starts a loopback "edge" that relays each
 * hostname routed to the tunnel (asked of the stand-in's DNS) through the ingress rules.
 *
 * Environment (the fake's own): FAKE_CLOUDFLARED_EDGE_DNS (the stand-in's base URL, for the edge's
 * DNS; unset: every hostname reaches the tunnel), FAKE_CLOUDFLARED_REMOTE_INGRESS (token mode: a
 * JSON file `[{hostname, service}]` standing for the dashboard's configuration),
 * FAKE_CLOUDFLARED_LOGIN_POLL_MS (200), FAKE_CLOUDFLARED_NAMED_REFUSED=1 (the edge refuses the tunnel: it
 * never registers), FAKE_CLOUDFLARED_STATE_DIR (state files, as in main.ts).
 */

import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect as netConnect } from 'node:net';
import { delimiter, dirname, join } from 'node:path';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream';
import type { FakeCloudflaredState } from './state';

const VERSION = '2023.7.3';
const DEFAULT_API = 'https://api.cloudflare.com/client/v4';
const SUBCOMMANDS = new Set(['login', 'create', 'route', 'delete', 'list', 'info', 'run', 'cleanup', 'token']);
/** Global `tunnel` flags that take a value. */
const VALUE_FLAGS = new Set([
  'api-url',
  'origincert',
  'loglevel',
  'config',
  'edge',
  'metrics',
  'protocol',
  'credentials-file',
  'cred-file',
  'loginURL',
  'callbackURL',
  'output',
  'token',
  'name',
  'grace-period',
]);

export function namedSubcommand(args: readonly string[]): string | null {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg.startsWith('-')) {
      const name = arg.replace(/^--?/, '');
      if (!name.includes('=') && VALUE_FLAGS.has(name)) i++;
      continue;
    }
    return SUBCOMMANDS.has(arg) ? arg : null;
  }
  return null;
}

interface Parsed {
  flags: Map<string, string>;
  positionals: string[];
}

function parse(args: readonly string[]): Parsed {
  const flags = new Map<string, string>();
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq === -1 ? body : body.slice(0, eq);
    if (eq !== -1) flags.set(name, body.slice(eq + 1));
    else if (VALUE_FLAGS.has(name)) flags.set(name, args[++i] ?? '');
    else flags.set(name, 'true');
  }
  return { flags, positionals };
}

function timestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}
function log(level: string, message: string): void {
  process.stderr.write(`${timestamp()} ${level} ${message}\n`);
}
function bare(message: string): void {
  process.stderr.write(`${message}\n`);
}

function exit(code: number): void {
  process.stderr.write('', () => process.stdout.write('', () => process.exit(code)));
}

// ── cert.pem and the API ───────────────────────────────────────────────────────

interface Cert {
  zoneID: string;
  accountID: string;
  apiToken: string;
}

class CommandError extends Error {}

/** create-no-cert: the log entry, then the bare error (exit 1). */
function loadCert(flags: Map<string, string>, what: string): Cert {
  const path = flags.get('origincert');
  if (path === undefined || !existsSync(path)) {
    log(
      'ERR',
      `Cannot find a valid certificate for your origin at the path:\n\n    ${path ?? ''}\n\nIf the path above is wrong, specify the path with the -origincert option.\nIf you don't have a certificate signed by Cloudflare, run the command:\n\n\tcloudflared login\n originCertPath=${path ?? ''}`,
    );
    throw new CommandError(
      `${what}couldn't create client to talk to Cloudflare Tunnel backend: Error locating origin cert: cannot find a valid certificate at the path ${path ?? ''}`,
    );
  }
  const text = readFileSync(path, 'utf8');
  const block = /-----BEGIN ARGO TUNNEL TOKEN-----\r?\n([\s\S]*?)-----END ARGO TUNNEL TOKEN-----/.exec(text);
  const json = JSON.parse(Buffer.from((block?.[1] ?? '').replace(/\s+/g, ''), 'base64').toString('utf8')) as Cert;
  return json;
}

interface ApiAnswer {
  status: number;
  json: { success?: boolean; errors?: { code: number; message: string }[]; result?: unknown } | null;
  statusText: string;
}

async function api(flags: Map<string, string>, cert: Cert, method: string, path: string, body?: unknown): Promise<ApiAnswer> {
  const base = (flags.get('api-url') ?? DEFAULT_API).replace(/\/$/, '');
  const url = `${base}${path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        'User-Agent': `cloudflared/${VERSION}`,
        Accept: 'application/json;version=1',
        Authorization: `Bearer ${cert.apiToken}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; address?: string; port?: number } }).cause;
    const target = new URL(url);
    const reason =
      cause?.code === 'ECONNREFUSED'
        ? `dial tcp ${target.host}: connect: connection refused`
        : `dial tcp: lookup ${target.hostname}: no such host`;
    throw new RestError(`REST request failed: ${method[0]}${method.slice(1).toLowerCase()} "${url}": ${reason}`);
  }
  const text = await response.text();
  const isJson = response.headers.get('content-type') === 'application/json';
  let json: ApiAnswer['json'] = null;
  if (isJson) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  return { status: response.status, json, statusText: response.statusText };
}

class RestError extends Error {}

/** cfapi's statusCodeToError and the JSON error formatting (README "How to tell each failure apart"). */
function apiFailure(answer: ApiAnswer, op: string, failedTo: string): string | null {
  const errors = answer.json?.errors ?? [];
  if (answer.status >= 200 && answer.status < 300 && answer.json?.success !== false) return null;
  if (errors.length === 1) return `${failedTo}: code: ${errors[0]?.code}, reason: ${errors[0]?.message}`;
  if (errors.length > 1) return `${failedTo}: API errors: ${errors.map((e) => `code: ${e.code}, reason: ${e.message}; `).join('')}`;
  if (answer.status === 401 || answer.status === 403) return 'unauthorized';
  if (answer.status === 400) return 'incorrect request parameters';
  if (answer.status === 404) return 'not found';
  return `API call to ${op} failed with status ${answer.status}: ${answer.statusText}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function resolveTunnel(flags: Map<string, string>, cert: Cert, ref: string, wording: 'neither' | 'only1'): Promise<string> {
  if (UUID.test(ref)) return ref;
  const answer = await api(flags, cert, 'GET', `/accounts/${cert.accountID}/cfd_tunnel?is_deleted=false&name=${encodeURIComponent(ref)}`);
  const failure = apiFailure(answer, 'list tunnels', 'Failed to list tunnels');
  if (failure !== null) throw new CommandError(failure);
  const list = (answer.json?.result ?? []) as { id: string }[];
  if (list.length !== 1 || list[0] === undefined) {
    throw new CommandError(
      wording === 'neither'
        ? `${ref} is neither the ID nor the name of any of your tunnels`
        : `there should only be 1 non-deleted Tunnel named ${ref}`,
    );
  }
  return list[0].id;
}

// ── commands ──────────────────────────────────────────────────────────────────

async function create({ flags, positionals }: Parsed): Promise<number> {
  const name = positionals[0];
  if (name === undefined)
    throw new UsageError('"cloudflared tunnel create" requires exactly 1 argument, the name of tunnel to create.', 'tunnel create');
  const prefix = 'failed to create tunnel: ';
  const cert = loadCert(flags, prefix);
  const secret = randomBytes(32).toString('base64');
  let answer: ApiAnswer;
  try {
    answer = await api(flags, cert, 'POST', `/accounts/${cert.accountID}/cfd_tunnel`, { name, tunnel_secret: secret });
  } catch (error) {
    throw new CommandError(`${prefix}Create Tunnel API call failed: ${(error as Error).message}`);
  }
  if (answer.status === 409) throw new CommandError(`${prefix}Create Tunnel API call failed: tunnel with name already exists`);
  const failure = apiFailure(answer, 'create tunnel', 'Failed to create tunnel');
  if (failure !== null) throw new CommandError(`${prefix}Create Tunnel API call failed: ${failure}`);
  const result = (answer.json?.result ?? {}) as { id?: string; name?: string };
  const id = result.id ?? '00000000-0000-0000-0000-000000000000';
  const explicit = flags.get('credentials-file') ?? flags.get('cred-file');
  const path = explicit ?? join(dirname(flags.get('origincert') ?? '.'), `${id}.json`);
  if (existsSync(path)) throw new CommandError(`${prefix}tunnel credentials file ${path} already exists`);
  writeFileSync(path, JSON.stringify({ AccountTag: cert.accountID, TunnelSecret: secret, TunnelID: id }), { mode: 0o400 });
  const chose = explicit === undefined ? ' cloudflared chose this file based on where your origin certificate was found.' : '';
  process.stdout.write(
    `Tunnel credentials written to ${path}.${chose} Keep this file secret. To revoke these credentials, delete the tunnel.\n\nCreated tunnel ${result.name ?? ''} with id ${id}\n`,
  );
  return 0;
}

async function routeDns({ flags, positionals }: Parsed): Promise<number> {
  if (positionals[0] !== 'dns') throw new CommandError('the fake knows only "route dns"');
  const [, ref, hostname] = positionals;
  if (ref === undefined || hostname === undefined || positionals.length !== 3) {
    throw new UsageError('This command expects the format "cloudflared tunnel route dns <tunnel name/id> <hostname>"', 'route dns');
  }
  const cert = loadCert(flags, '');
  const id = await resolveTunnel(flags, cert, ref, 'neither');
  if (!/^(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i.test(hostname))
    throw new CommandError(`${hostname} is not a valid hostname`);
  const overwrite = flags.get('overwrite-dns') === 'true' || flags.get('f') === 'true';
  let answer: ApiAnswer;
  try {
    answer = await api(flags, cert, 'PUT', `/zones/${cert.zoneID}/tunnels/${id}/routes`, {
      type: 'dns',
      user_hostname: hostname,
      overwrite_existing: overwrite,
    });
  } catch (error) {
    throw new CommandError(`Failed to add route: ${(error as Error).message}`);
  }
  const failure = apiFailure(answer, 'add route', 'Failed to add route');
  if (failure !== null) throw new CommandError(failure);
  const result = (answer.json?.result ?? {}) as { cname?: string; name?: string };
  if (result.cname === 'unchanged') log('INF', `${result.name} is already configured to route to your tunnel tunnelID=${id}`);
  else if (result.cname === 'updated') log('INF', `${result.name} updated to route to your tunnel tunnelID=${id}`);
  else log('INF', `Added CNAME ${result.name} which will route to this tunnel tunnelID=${id}`);
  return 0;
}

async function deleteTunnel({ flags, positionals }: Parsed): Promise<number> {
  const ref = positionals[0];
  if (ref === undefined)
    throw new UsageError(
      '"cloudflared tunnel delete" requires at least 1 argument, the ID or name of the tunnel to delete.',
      'tunnel delete',
    );
  const cert = loadCert(flags, '');
  const id = await resolveTunnel(flags, cert, ref, 'only1');
  const got = await api(flags, cert, 'GET', `/accounts/${cert.accountID}/cfd_tunnel/${id}`);
  const gotFailure = apiFailure(got, 'get tunnel', 'Failed to get tunnel');
  if (gotFailure !== null) throw new CommandError(`Can't get tunnel information. Please check tunnel id: ${id}`);
  if ((got.json?.result as { deleted_at?: string | null } | undefined)?.deleted_at)
    throw new CommandError(`Tunnel ${id} has already been deleted`);
  if (flags.get('f') === 'true' || flags.get('force') === 'true') {
    const cleaned = await api(flags, cert, 'DELETE', `/accounts/${cert.accountID}/cfd_tunnel/${id}/connections`);
    const failure = apiFailure(cleaned, 'cleanup connections', 'Failed to cleanup connections');
    if (failure !== null) throw new CommandError(`Error cleaning up connections for tunnel ${id}: ${failure}`);
  }
  const deleted = await api(flags, cert, 'DELETE', `/accounts/${cert.accountID}/cfd_tunnel/${id}`);
  const failure = apiFailure(deleted, 'delete tunnel', 'Failed to delete tunnel');
  if (failure !== null) throw new CommandError(`Error deleting tunnel ${id}: ${failure}`);
  rmSync(join(dirname(flags.get('origincert') ?? '.'), `${id}.json`), { force: true });
  return 0;
}

async function list({ flags }: Parsed): Promise<number> {
  const cert = loadCert(flags, '');
  const answer = await api(flags, cert, 'GET', `/accounts/${cert.accountID}/cfd_tunnel?is_deleted=false`);
  const failure = apiFailure(answer, 'list tunnels', 'Failed to list tunnels');
  if (failure !== null) throw new CommandError(failure);
  const tunnels = ((answer.json?.result ?? []) as { id: string; name: string; created_at: string }[]).sort((a, b) =>
    a.name.localeCompare(b.name),
  );
  if (tunnels.length === 0) {
    process.stdout.write("No tunnels were found for the given filter flags. You can use 'cloudflared tunnel create' to create a tunnel.\n");
    return 0;
  }
  process.stdout.write('You can obtain more detailed information for each tunnel with `cloudflared tunnel info <name/uuid>`\n');
  process.stdout.write('ID                                   NAME CREATED CONNECTIONS \n');
  for (const t of tunnels) process.stdout.write(`${t.id} ${t.name} ${t.created_at.replace(/\.\d+Z$/, 'Z')}  \n`);
  return 0;
}

async function info({ flags, positionals }: Parsed): Promise<number> {
  const cert = loadCert(flags, '');
  let id: string;
  try {
    id = await resolveTunnel(flags, cert, positionals[0] ?? '', 'neither');
  } catch (error) {
    throw new CommandError(`error parsing tunnel ID: ${(error as Error).message}`);
  }
  process.stdout.write(`Your tunnel ${id} does not have any active connection.\n`);
  return 0;
}

async function cleanup({ flags, positionals }: Parsed): Promise<number> {
  const cert = loadCert(flags, '');
  const id = await resolveTunnel(flags, cert, positionals[0] ?? '', 'only1');
  log('INF', `Cleanup connection for tunnel ${id}`);
  const answer = await api(flags, cert, 'DELETE', `/accounts/${cert.accountID}/cfd_tunnel/${id}/connections`);
  const failure = apiFailure(answer, 'cleanup connections', 'Failed to cleanup connections');
  if (failure !== null) log('ERR', `Error cleaning up connections for tunnel ${id} error="${failure}"`);
  return 0;
}

// ── login ─────────────────────────────────────────────────────────────────────

function onPath(name: string): boolean {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      // Not here.
    }
  }
  return false;
}

async function login({ flags }: Parsed): Promise<number> {
  const home = process.env.HOME ?? '';
  const configDir = join(home, '.cloudflared');
  if (!existsSync(configDir)) mkdirSync(configDir, { mode: 0o700 });
  const path = join(configDir, 'cert.pem');
  if (existsSync(path) && statSync(path).size > 0) {
    process.stdout.write(
      `You have an existing certificate at ${path} which login would overwrite.\nIf this is intentional, please move or delete that file then run this command again.\n`,
    );
    return 0;
  }
  const loginUrl = flags.get('loginURL') ?? 'https://dash.cloudflare.com/argotunnel';
  const callbackUrl = flags.get('callbackURL') ?? 'https://login.cloudflareaccess.org/';
  // An X25519 public key in URL-safe base64 with padding (44 characters, ending in '=').
  const key = randomBytes(32).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
  const url = `${loginUrl}?aud=&callback=${encodeURIComponent(callbackUrl + key)}`;
  if (onPath('xdg-open')) {
    spawn('xdg-open', [url], { stdio: 'ignore', detached: true }).unref();
    process.stderr.write(
      `A browser window should have opened at the following URL:\n\n${url}\n\nIf the browser failed to open, please visit the URL above directly in your browser.\n`,
    );
  } else {
    process.stderr.write(
      `Please open the following URL and log in with your Cloudflare account:\n\n${url}\n\nLeave cloudflared running to download the cert automatically.\n`,
    );
  }
  const pollMs = Number(process.env.FAKE_CLOUDFLARED_LOGIN_POLL_MS ?? '200');
  for (;;) {
    let response: Response;
    try {
      response = await fetch(`${callbackUrl}${key}`);
    } catch (error) {
      const message = `Get "${callbackUrl}${key}": ${(error as Error).message}`;
      process.stderr.write(
        `Failed to write the certificate due to the following error:\n${message}\n\nYour browser will download the certificate instead. You will have to manually\ncopy it to the following path:\n\n${path}\n`,
      );
      bare(message);
      return 1;
    }
    if (response.status === 200) {
      writeFileSync(path, await response.text(), { mode: 0o600 });
      process.stdout.write(
        `You have successfully logged in.\nIf you wish to copy your credentials to a server, they have been saved to:\n${path}\n`,
      );
      return 0;
    }
    await response.arrayBuffer();
    log('INF', 'Waiting for login...');
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

// ── run ───────────────────────────────────────────────────────────────────────

interface Rule {
  hostname?: string;
  service: string;
}

/** The subset of YAML Porthole and the fixtures' cfg.yml use: `key: value` and an `ingress:` list. */
function readConfig(path: string): { tunnel?: string; credentials?: string; ingress: Rule[] } {
  const config: { tunnel?: string; credentials?: string; ingress: Rule[] } = { ingress: [] };
  let rule: Partial<Rule> | null = null;
  const unquote = (value: string): string => (value.startsWith('"') ? (JSON.parse(value) as string) : value);
  for (const raw of readFileSync(path, 'utf8').split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, '').replace(/^#.*$/, '');
    if (line.trim() === '') continue;
    const item = /^\s*-\s+(\w[\w-]*):\s*(.*)$/.exec(line);
    const field = /^\s+(\w[\w-]*):\s*(.*)$/.exec(line);
    const top = /^(\w[\w-]*):\s*(.*)$/.exec(line);
    if (item !== null) {
      rule = { [item[1] ?? '']: unquote(item[2] ?? '') };
      config.ingress.push(rule as Rule);
    } else if (field !== null && rule !== null) {
      (rule as Record<string, string>)[field[1] ?? ''] = unquote(field[2] ?? '');
    } else if (top !== null) {
      rule = null;
      if (top[1] === 'tunnel') config.tunnel = unquote(top[2] ?? '');
      if (top[1] === 'credentials-file') config.credentials = unquote(top[2] ?? '');
    }
  }
  return config;
}

function parseToken(text: string): { a: string; t: string; s: string } | null {
  try {
    const json = JSON.parse(Buffer.from(text, 'base64').toString('utf8')) as { a?: unknown; t?: unknown; s?: unknown };
    if (typeof json.a !== 'string' || typeof json.t !== 'string' || typeof json.s !== 'string' || !UUID.test(json.t)) return null;
    return { a: json.a, t: json.t, s: json.s };
  } catch {
    return null;
  }
}

function matchRule(rules: readonly Rule[], hostname: string): Rule | null {
  for (const rule of rules) {
    if (rule.hostname === undefined) return rule;
    const wanted = rule.hostname.toLowerCase();
    if (wanted === hostname || (wanted.startsWith('*.') && hostname.endsWith(wanted.slice(1)))) return rule;
  }
  return null;
}

async function run({ flags, positionals }: Parsed): Promise<number> {
  const tokenText = flags.get('token') ?? process.env.TUNNEL_TOKEN;
  let tunnelId: string;
  let rules: () => Rule[];
  const settings: Record<string, string> = {};
  if (tokenText !== undefined) {
    const token = parseToken(tokenText);
    if (token === null) {
      bare('Provided Tunnel token is not valid.');
      bare("See 'cloudflared tunnel run --help'.");
      return 255;
    }
    tunnelId = token.t;
    settings.token = '*****';
    const remote = process.env.FAKE_CLOUDFLARED_REMOTE_INGRESS;
    rules = () => {
      try {
        return [...(JSON.parse(readFileSync(remote ?? '', 'utf8')) as Rule[]), { service: 'http_status:404' }];
      } catch {
        return [{ service: 'http_status:503' }];
      }
    };
  } else {
    const configPath = flags.get('config');
    if (configPath === undefined) throw new CommandError('the fake runs named tunnels from --config or a token only');
    if (!existsSync(configPath)) {
      bare(`open ${configPath}: no such file or directory`);
      return 1;
    }
    const config = readConfig(configPath);
    const id = positionals[0] ?? config.tunnel;
    if (id === undefined || !UUID.test(id)) throw new CommandError('the fake runs named tunnels by id only');
    tunnelId = id;
    const credentials = config.credentials ?? flags.get('credentials-file') ?? '';
    if (!existsSync(credentials)) {
      bare(`Tunnel credentials file '${credentials}' doesn't exist or is not a file`);
      return 1;
    }
    const last = config.ingress.at(-1);
    if (last === undefined || last.hostname !== undefined) {
      const message = 'The last ingress rule must match all URLs (i.e. it should not have a hostname or path filter)';
      log('ERR', `Couldn't start tunnel error="${message}"`);
      bare(message);
      return 1;
    }
    settings.config = configPath;
    settings['credentials-file'] = credentials;
    rules = () => config.ingress;
  }
  for (const [name, value] of flags) if (name !== 'token') settings[name] = value;
  const connector = randomUUID();
  log('INF', `Starting tunnel tunnelID=${tunnelId}`);
  log('INF', `Version ${VERSION}`);
  log('INF', `GOOS: ${process.platform}, GOVersion: go1.19.8, GoArch: amd64`);
  log(
    'INF',
    `Settings: map[${Object.keys(settings)
      .sort()
      .map((k) => `${k}:${settings[k]}`)
      .join(' ')}]`,
  );
  log('INF', `Generated Connector ID: ${connector}`);
  log('INF', `Initial protocol ${tokenText !== undefined ? 'quic' : 'http2'}`);
  const edge = createServer((req, res) => void relay(tunnelId, rules(), req, res));
  edge.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => void relayUpgrade(tunnelId, rules(), req, socket, head));
  await new Promise<void>((resolve) => edge.listen(0, '127.0.0.1', resolve));
  const edgeAddress = `127.0.0.1:${(edge.address() as AddressInfo).port}`;
  log('INF', `Starting metrics server on 127.0.0.1:${(edge.address() as AddressInfo).port + 0}/metrics`);
  saveState({
    pid: process.pid,
    argv: process.argv.slice(2),
    mode: 'named',
    hostname: null,
    url: null,
    edge: edgeAddress,
    metrics: null,
    registered: process.env.FAKE_CLOUDFLARED_NAMED_REFUSED !== '1',
    tunnelId,
  });
  if (process.env.FAKE_CLOUDFLARED_NAMED_REFUSED === '1') {
    // The edge refuses the tunnel (a wrong secret): cloudflared retries with back-off for ever
    // (supervisor/tunnel.go; the reason as a 2021 user report shows it).
    const refuse = (): void => {
      log('ERR', 'Register tunnel error from server side error="Unauthorized: Invalid tunnel secret" connIndex=0 event=0 ip=198.41.200.13');
      log('INF', 'Retrying connection in up to 1s connIndex=0 event=0 ip=198.41.200.13');
    };
    refuse();
    setInterval(refuse, 500);
  } else {
    log(
      'INF',
      `Registered tunnel connection connIndex=0 connection=${randomUUID()} event=0 ip=198.41.200.13 location=lhr01 protocol=${tokenText !== undefined ? 'quic' : 'http2'}`,
    );
  }
  const onSignal = (signal: NodeJS.Signals): void => {
    log('INF', `Initiating graceful shutdown due to signal ${signal === 'SIGINT' ? 'interrupt' : 'terminated'} ...`);
    log('INF', 'Unregistered tunnel connection connIndex=0 event=0 ip=198.41.200.13');
    log('INF', 'Tunnel server stopped');
    log('INF', 'Metrics server stopped');
    removeState();
    exit(0);
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  return new Promise<number>(() => undefined);
}

/** Whether Cloudflare's DNS sends this hostname to this tunnel (asked of the stand-in). */
async function routedHere(tunnelId: string, hostname: string, token: boolean): Promise<boolean> {
  const dns = process.env.FAKE_CLOUDFLARED_EDGE_DNS;
  if (dns === undefined || dns === '' || token) return true;
  try {
    const response = await fetch(`${dns.replace(/\/$/, '')}/__edge/dns?name=${encodeURIComponent(hostname)}`);
    const { tunnel } = (await response.json()) as { tunnel: string | null };
    return tunnel === tunnelId;
  } catch {
    return false;
  }
}

const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host']);

function edgeHeaders(raw: readonly string[], hostname: string, keepUpgrade: boolean): string[] {
  const out = ['Host', hostname];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] ?? '').toLowerCase();
    if (HOP.has(name) && !(keepUpgrade && (name === 'connection' || name === 'upgrade'))) continue;
    if (name === 'x-forwarded-for' || name === 'cf-connecting-ip' || name === 'x-forwarded-proto') continue;
    out.push(raw[i] ?? '', raw[i + 1] ?? '');
  }
  out.push('X-Forwarded-For', '127.0.0.1', 'X-Forwarded-Proto', 'https', 'Cf-Connecting-Ip', '127.0.0.1');
  return out;
}

async function target(
  tunnelId: string,
  rules: Rule[],
  req: IncomingMessage,
): Promise<{ hostname: string; rule: Rule | null; routed: boolean }> {
  const hostname = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
  const routed = await routedHere(tunnelId, hostname, process.env.TUNNEL_TOKEN !== undefined);
  return { hostname, rule: routed ? matchRule(rules, hostname) : null, routed };
}

async function relay(tunnelId: string, rules: Rule[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { hostname, rule, routed } = await target(tunnelId, rules, req);
  if (!routed || rule === null) {
    // Cloudflare's answer for a hostname with no tunnel behind it.
    res.writeHead(530, { 'content-type': 'text/plain' }).end('error code: 1033');
    return;
  }
  const status = /^http_status:(\d+)$/.exec(rule.service);
  if (status !== null) {
    res.writeHead(Number(status[1])).end();
    return;
  }
  const service = new URL(rule.service);
  const upstream = httpRequest({
    host: service.hostname,
    port: Number(service.port) || 80,
    method: req.method,
    path: req.url,
    headers: edgeHeaders(req.rawHeaders, hostname, false),
  });
  upstream.on('response', (response) => {
    const headers: string[] = [];
    for (let i = 0; i + 1 < response.rawHeaders.length; i += 2) {
      if (!HOP.has((response.rawHeaders[i] ?? '').toLowerCase()))
        headers.push(response.rawHeaders[i] ?? '', response.rawHeaders[i + 1] ?? '');
    }
    res.writeHead(response.statusCode ?? 502, headers);
    res.flushHeaders();
    pipeline(response, res, () => undefined);
  });
  upstream.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end('Bad gateway')));
  res.once('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}

async function relayUpgrade(tunnelId: string, rules: Rule[], req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  const { hostname, rule } = await target(tunnelId, rules, req);
  if (rule === null || rule.service.startsWith('http_status:')) {
    socket.end('HTTP/1.1 530 \r\nContent-Length: 16\r\nConnection: close\r\n\r\nerror code: 1033');
    return;
  }
  const service = new URL(rule.service);
  const headers = edgeHeaders(req.rawHeaders, hostname, true);
  const lines = [`${req.method} ${req.url} HTTP/1.1`];
  for (let i = 0; i + 1 < headers.length; i += 2) lines.push(`${headers[i]}: ${headers[i + 1]}`);
  const origin = netConnect({ host: service.hostname, port: Number(service.port) || 80 }, () => {
    origin.write(`${lines.join('\r\n')}\r\n\r\n`);
    origin.write(head);
    origin.pipe(socket).pipe(origin);
  });
  origin.on('error', () => socket.destroy());
  socket.on('error', () => origin.destroy());
  socket.on('close', () => origin.destroy());
}

// ── state file and entry ──────────────────────────────────────────────────────

const stateDir = process.env.FAKE_CLOUDFLARED_STATE_DIR;
const stateFile = stateDir ? join(stateDir, `${process.pid}.json`) : undefined;

function saveState(state: FakeCloudflaredState): void {
  if (stateDir === undefined || stateFile === undefined) return;
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(`${stateFile}.tmp`, JSON.stringify(state));
  renameSync(`${stateFile}.tmp`, stateFile);
}

function removeState(): void {
  if (stateFile !== undefined) rmSync(stateFile, { force: true });
}

class UsageError extends Error {
  constructor(
    message: string,
    readonly command: string,
  ) {
    super(message);
  }
}

const COMMANDS: Record<string, (parsed: Parsed) => Promise<number>> = {
  login,
  create,
  route: routeDns,
  delete: deleteTunnel,
  list,
  info,
  cleanup,
  run,
};

/** `cloudflared tunnel [global flags] <subcommand> [flags] [args]`. */
export async function namedCommand(args: readonly string[]): Promise<void> {
  const sub = namedSubcommand(args) ?? '';
  const index = args.indexOf(sub);
  const global = parse(args.slice(0, index));
  const local = parse(args.slice(index + 1));
  const parsed: Parsed = { flags: new Map([...global.flags, ...local.flags]), positionals: local.positionals };
  const command = COMMANDS[sub];
  let code: number;
  try {
    if (command === undefined) throw new CommandError(`the fake does not know "tunnel ${sub}"`);
    code = await command(parsed);
  } catch (error) {
    if (error instanceof UsageError) {
      bare(error.message);
      bare(`See 'cloudflared ${error.command} --help'.`);
      code = 255;
    } else if (error instanceof CommandError || error instanceof RestError) {
      bare(error.message);
      code = 1;
    } else {
      throw error;
    }
  }
  exit(code);
}
