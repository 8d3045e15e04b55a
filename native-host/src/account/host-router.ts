/**
 * The one local service every stable hostname goes to (issue 14): the named tunnel's ingress is a
 * single catch-all rule to this router, which dispatches each request by its Host header to that
 * share's gateway. Adding or stopping a stable share is then a table entry: cloudflared is never
 * restarted, so the other shares' visitors (their streams and WebSockets included) see nothing.
 *
 * It relays per request, not per connection: cloudflared reuses its connections to the service
 * for every hostname. Bodies stream both ways; upgrades are replayed and piped as raw bytes. The
 * gateway behind it still checks Host, framing and the password: the router decides only where a
 * request goes, and an unknown name gets a small "not shared right now" page.
 */
import { Agent, createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream';
import type { Logger } from '../log.js';
import { RouterTable, type RouteTarget } from './router-table.js';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-authenticate',
  'proxy-authorization',
]);

export const NOT_SHARED_PAGE = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Not shared right now</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:15vh auto;padding:0 1rem;color:#222}h1{font-size:1.4rem}</style>
</head><body><h1>Not shared right now</h1>
<p>This address belongs to a Porthole share that is not running at the moment. Ask the person who sent it to share again: the address stays the same.</p>
</body></html>
`;

/** Drops hop-by-hop headers, those the Connection header names included; keeps the rest as sent. */
function endToEnd(raw: readonly string[], keepUpgrade: boolean): string[] {
  const drop = new Set(HOP_BY_HOP);
  if (keepUpgrade) {
    drop.delete('connection');
    drop.delete('upgrade');
  } else {
    for (let i = 0; i + 1 < raw.length; i += 2) {
      if (raw[i]?.toLowerCase() !== 'connection') continue;
      for (const token of (raw[i + 1] ?? '').split(',')) drop.add(token.trim().toLowerCase());
    }
  }
  const kept: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? '';
    if (!drop.has(name.toLowerCase())) kept.push(name, raw[i + 1] ?? '');
  }
  return kept;
}

export class HostRouter {
  readonly table = new RouterTable();
  private readonly server: Server;
  private readonly agent = new Agent({ keepAlive: true, scheduling: 'lifo' });
  private readonly upgraded = new Set<Duplex>();
  private port: number | null = null;

  constructor(private readonly log: Logger) {
    this.server = createServer({ requireHostHeader: true, insecureHTTPParser: false, keepAliveTimeout: 95_000 });
    this.server.on('request', (req, res) => this.onRequest(req, res));
    this.server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
    this.server.on('clientError', (_error, socket: Duplex) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      else socket.destroy();
    });
  }

  /** Listens on 127.0.0.1; `port` 0 picks one, token mode passes the one kept for its tunnel. */
  async listen(port = 0): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('the router has no port');
    this.port = address.port;
    return address.port;
  }

  get url(): string {
    if (this.port === null) throw new Error('the router is not listening');
    return `http://127.0.0.1:${this.port}`;
  }

  get listening(): boolean {
    return this.port !== null;
  }

  add(hostname: string, target: RouteTarget): void {
    this.table.set(hostname, target);
  }

  remove(hostname: string, target?: RouteTarget): void {
    this.table.delete(hostname, target);
  }

  close(): void {
    this.port = null;
    this.server.close();
    this.server.closeAllConnections();
    for (const socket of this.upgraded) socket.destroy();
    this.agent.destroy();
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const target = this.table.lookup(req.headers.host);
    if (target === null) {
      req.resume();
      res
        .writeHead(404, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-robots-tag': 'noindex' })
        .end(NOT_SHARED_PAGE);
      return;
    }
    const upstream = request({
      host: target.host,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: endToEnd(req.rawHeaders, false),
      agent: this.agent,
    });
    upstream.on('response', (response) => {
      res.writeHead(response.statusCode ?? 502, response.statusMessage, endToEnd(response.rawHeaders, false));
      // Server-Sent Events and slow bodies go through as they come: nothing is buffered whole.
      res.flushHeaders();
      pipeline(response, res, () => undefined);
    });
    upstream.on('error', (error) => {
      this.log.warn(`router: ${target.host}:${target.port} for ${req.headers.host ?? '?'}: ${error.message}`);
      if (res.headersSent) res.destroy();
      else res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' }).end('The share did not answer.\n');
    });
    res.once('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const target = this.table.lookup(req.headers.host);
    if (target === null) {
      socket.end(
        `HTTP/1.1 404 Not Found\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(NOT_SHARED_PAGE)}\r\nConnection: close\r\n\r\n${NOT_SHARED_PAGE}`,
      );
      return;
    }
    this.upgraded.add(socket);
    socket.once('close', () => this.upgraded.delete(socket));
    const headers = endToEnd(req.rawHeaders, true);
    const lines = [`${req.method} ${req.url} HTTP/1.1`];
    for (let i = 0; i + 1 < headers.length; i += 2) lines.push(`${headers[i]}: ${headers[i + 1]}`);
    const upstream: Socket = connect({ host: target.host, port: target.port }, () => {
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      upstream.pipe(socket).pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
    socket.on('close', () => upstream.destroy());
    upstream.on('close', () => socket.destroy());
  }
}
