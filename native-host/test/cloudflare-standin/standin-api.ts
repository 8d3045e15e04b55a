/**
 * A loopback stand-in of Cloudflare's API for tests without the internet: the calls cloudflared
 * 2023.7.3's cfapi/ package makes for named tunnels (ported from
 * ../shared/fixtures/cloudflared/named/_harness/standin-api.js, whose answers the captured fixtures
 * show real cloudflared accepting), plus what Porthole asks directly (the zone's name, DNS records
 * by name and their deletion) and the login hand-off (`tunnel login` polls `<callback><key>` until
 * the dashboard step is done: `authorise()` plays the user picking the zone).
 * Error codes and messages are Cloudflare's own (1003 record exists, 1013 name taken, 1022 active
 * connections, 10000 authentication error).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const ACCOUNT = '0000aaaa1111bbbb2222cccc3333dddd';
export const ZONE_ID = '9999eeee8888ffff7777aaaa6666bbbb';
export const ZONE_NAME = 'example.com';
export const API_TOKEN = 'FAKE-api-token-0123456789abcdefghijklmno';

export interface StandinTunnel {
  id: string;
  account_tag: string;
  created_at: string;
  deleted_at: string | null;
  name: string;
  connections: unknown[];
  secret?: string;
}

export interface DnsRecord {
  id: string;
  type: string;
  name: string;
  content: string;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: string;
  body: string | null;
  status: number;
  authorization: string | null;
}

export type FailMode = null | 'all_500_html' | 'all_503_json';

/** The cert.pem `tunnel login` downloads: one ARGO TUNNEL TOKEN block (fixtures' mkcert.py). */
export function certPem(apiToken = API_TOKEN, zoneId = ZONE_ID, accountId = ACCOUNT): string {
  const body = Buffer.from(JSON.stringify({ zoneID: zoneId, accountID: accountId, apiToken })).toString('base64');
  const lines = body.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ARGO TUNNEL TOKEN-----\n${lines.join('\n')}\n-----END ARGO TUNNEL TOKEN-----\n`;
}

export class StandinApi {
  readonly tunnels: StandinTunnel[] = [];
  /** The zone's records; starts with one that is not Porthole's (www, an A record). */
  readonly dns: DnsRecord[] = [{ id: 'rec-www', type: 'A', name: `www.${ZONE_NAME}`, content: '192.0.2.10' }];
  readonly requests: LoggedRequest[] = [];
  fail: FailMode = null;
  /** Login keys the "user" has approved: their poll gets the cert. */
  private readonly authorised = new Set<string>();
  private authoriseAll = false;
  private readonly polled = new Set<string>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<StandinApi> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const api = new StandinApi(server, (server.address() as AddressInfo).port);
    server.on('request', (req, res) => api.handle(req, res));
    return api;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/client/v4`;
  }

  /** `--loginURL` (the dashboard page) and `--callbackURL` (where cloudflared polls for the cert). */
  get loginUrl(): string {
    return `http://127.0.0.1:${this.port}/argotunnel`;
  }
  get callbackUrl(): string {
    return `http://127.0.0.1:${this.port}/login/`;
  }

  /** The user picked the zone in the dashboard: the next poll for `key` (or any key) gets the cert. */
  authorise(key?: string): void {
    if (key === undefined) this.authoriseAll = true;
    else this.authorised.add(key);
  }

  /** Keys cloudflared has polled for. */
  get pendingLogins(): string[] {
    return [...this.polled];
  }

  addRecord(record: Omit<DnsRecord, 'id'>): DnsRecord {
    const full = { id: `rec-${randomUUID().slice(0, 8)}`, ...record };
    this.dns.push(full);
    return full;
  }

  /** Which tunnel a hostname's CNAME points at, as Cloudflare's edge resolves it; null when none. */
  tunnelFor(hostname: string): string | null {
    const record = this.dns.find((r) => r.name === hostname.toLowerCase() && r.type === 'CNAME');
    const match = record === undefined ? null : /^([0-9a-f-]{36})\.cfargotunnel\.com$/.exec(record.content);
    return match?.[1] ?? null;
  }

  close(): void {
    this.server.closeAllConnections();
    this.server.close();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const body = Buffer.concat(chunks).toString('utf8');
      let status = 500;
      try {
        status = this.route(req, res, url, body);
      } catch (error) {
        status = send(res, 500, String((error as Error).stack), 'text/plain');
      }
      if (url.pathname.startsWith('/client/v4/')) {
        const auth = req.headers.authorization ?? null;
        this.requests.push({
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.search,
          body: body || null,
          status,
          authorization: auth === null ? null : auth === `Bearer ${API_TOKEN}` ? 'Bearer <apiToken from cert.pem>' : 'Bearer <other>',
        });
      }
    });
  }

  private route(req: IncomingMessage, res: ServerResponse, url: URL, body: string): number {
    const p = url.pathname;
    // For the fake cloudflared's edge only (not Cloudflare's API): where a hostname's CNAME points.
    if (p === '/__edge/dns') return send(res, 200, { tunnel: this.tunnelFor(url.searchParams.get('name') ?? '') });
    if (p === '/argotunnel') return send(res, 200, '<h1>Authorize Cloudflare Tunnel</h1>', 'text/html');
    if (p.startsWith('/login/')) {
      const key = decodeURIComponent(p.slice('/login/'.length));
      this.polled.add(key);
      if (this.authoriseAll || this.authorised.has(key)) return send(res, 200, certPem(), 'application/x-pem-file');
      return send(res, 404, 'not yet', 'text/plain');
    }
    if (!p.startsWith('/client/v4/')) return send(res, 404, '404 page not found', 'text/plain');
    if (req.headers.authorization !== `Bearer ${API_TOKEN}`) return fail(res, 401, 10000, 'Authentication error');
    if (this.fail === 'all_500_html')
      return send(res, 500, '<html><head><title>500 Internal Server Error</title></head><body>cloudflare</body></html>', 'text/html');
    if (this.fail === 'all_503_json') return fail(res, 503, 10001, 'Service unavailable, please try again later');

    const acct = `/client/v4/accounts/${ACCOUNT}/cfd_tunnel`;
    const zone = `/client/v4/zones/${ZONE_ID}`;

    if (p === zone && req.method === 'GET') return ok(res, { id: ZONE_ID, name: ZONE_NAME, status: 'active' });
    if (p === `${zone}/dns_records` && req.method === 'GET') {
      const name = url.searchParams.get('name');
      return ok(
        res,
        this.dns.filter((r) => name === null || r.name === name.toLowerCase()).map((r) => ({ ...r, zone_id: ZONE_ID, proxied: true })),
      );
    }
    const recordPath = new RegExp(`^${zone}/dns_records/([^/]+)$`).exec(p);
    if (recordPath !== null && req.method === 'DELETE') {
      const index = this.dns.findIndex((r) => r.id === recordPath[1]);
      if (index === -1) return fail(res, 404, 81044, 'Record does not exist.');
      const [removed] = this.dns.splice(index, 1);
      return ok(res, { id: removed?.id });
    }
    if (p === acct && req.method === 'POST') {
      const b = JSON.parse(body) as { name: string; tunnel_secret: string };
      if (this.tunnels.some((t) => t.name === b.name && t.deleted_at === null)) {
        return fail(
          res,
          409,
          1013,
          'You already have a tunnel with this name. Delete the existing tunnel, or choose a different name for your new tunnel',
        );
      }
      const t: StandinTunnel = {
        id: randomUUID(),
        account_tag: ACCOUNT,
        created_at: new Date().toISOString(),
        deleted_at: null,
        name: b.name,
        connections: [],
        secret: b.tunnel_secret,
      };
      this.tunnels.push(t);
      const token = Buffer.from(JSON.stringify({ a: ACCOUNT, t: t.id, s: b.tunnel_secret })).toString('base64');
      return ok(res, {
        ...publicTunnel(t),
        credentials_file: { AccountTag: ACCOUNT, TunnelID: t.id, TunnelName: t.name, TunnelSecret: b.tunnel_secret },
        token,
      });
    }
    if (p === acct && req.method === 'GET') {
      const q = url.searchParams;
      let list = this.tunnels.slice();
      if (q.get('is_deleted') === 'false') list = list.filter((t) => t.deleted_at === null);
      if (q.get('name')) list = list.filter((t) => t.name === q.get('name'));
      if (q.get('uuid')) list = list.filter((t) => t.id === q.get('uuid'));
      return ok(res, list.map(publicTunnel));
    }
    const tunnelPath = new RegExp(`^${acct}/([0-9a-f-]{36})(/[a-z]+)?$`).exec(p);
    if (tunnelPath !== null) {
      const t = this.tunnels.find((x) => x.id === tunnelPath[1]);
      const sub = tunnelPath[2] ?? '';
      if (t === undefined) return fail(res, 404, 1002, 'tunnel not found');
      if (sub === '' && req.method === 'GET') return ok(res, publicTunnel(t));
      if (sub === '' && req.method === 'DELETE') {
        if (t.deleted_at !== null) return fail(res, 400, 1006, 'Tunnel has already been deleted');
        if (t.connections.length > 0 && url.searchParams.get('cascade') !== 'true')
          return fail(res, 400, 1022, 'Cannot delete tunnel because it has active connections');
        t.deleted_at = new Date().toISOString();
        t.connections = [];
        return ok(res, publicTunnel(t));
      }
      if (sub === '/connections' && req.method === 'GET') return ok(res, []);
      if (sub === '/connections' && req.method === 'DELETE') {
        t.connections = [];
        return ok(res, {});
      }
      if (sub === '/token' && req.method === 'GET')
        return ok(res, Buffer.from(JSON.stringify({ a: ACCOUNT, t: t.id, s: t.secret ?? '' })).toString('base64'));
    }
    const routesPath = new RegExp(`^${zone}/tunnels/([0-9a-f-]{36})/routes$`).exec(p);
    if (routesPath !== null && req.method === 'PUT') {
      const t = this.tunnels.find((x) => x.id === routesPath[1] && x.deleted_at === null);
      if (t === undefined) return fail(res, 404, 1002, 'tunnel not found');
      const b = JSON.parse(body) as { type: string; user_hostname: string; overwrite_existing: boolean };
      if (b.type !== 'dns') return fail(res, 400, 1001, 'unsupported route type');
      let name = b.user_hostname.toLowerCase();
      // The API appends the zone to a name outside it (route-dns-outside-zone).
      if (name !== ZONE_NAME && !name.endsWith(`.${ZONE_NAME}`)) name = `${name}.${ZONE_NAME}`;
      const target = `${t.id}.cfargotunnel.com`;
      const existing = this.dns.find((r) => r.name === name && ['A', 'AAAA', 'CNAME'].includes(r.type));
      if (existing?.type === 'CNAME' && existing.content === target) return ok(res, { cname: 'unchanged', name });
      if (existing !== undefined && !b.overwrite_existing)
        return fail(res, 400, 1003, 'An A, AAAA, or CNAME record with that host already exists.');
      if (existing !== undefined) this.dns.splice(this.dns.indexOf(existing), 1);
      this.addRecord({ type: 'CNAME', name, content: target });
      return ok(res, { cname: 'new', name });
    }
    return fail(res, 404, 7003, `Could not route to ${p}, perhaps your object identifier is invalid?`);
  }
}

function publicTunnel(t: StandinTunnel): Omit<StandinTunnel, 'secret'> {
  const { secret: _secret, ...rest } = t;
  return rest;
}

function send(res: ServerResponse, status: number, body: unknown, contentType = 'application/json'): number {
  const data = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(data) }).end(data);
  return status;
}

function ok(res: ServerResponse, result: unknown): number {
  return send(res, 200, { success: true, errors: [], messages: [], result });
}

function fail(res: ServerResponse, status: number, code: number, message: string): number {
  return send(res, status, { success: false, errors: [{ code, message }], messages: [], result: null });
}
