/**
 * One share's gateway: an HTTP server on an ephemeral 127.0.0.1 port that cloudflared forwards to,
 * relaying to the origin over keep-alive connections, bodies streamed both ways (Server-Sent Events
 * included): ordinary requests with node:http itself, WebSocket upgrades with http-proxy-3. On the way it
 * - answers the host's own reachability probe (probe-token.ts),
 * - asks for the share's password (basic-auth.ts),
 * - rewrites Host and sets X-Forwarded-* (headers.ts), and Location on the way back,
 * - dials whichever loopback address the origin listens on, accepting self-signed certificates,
 * - serves a friendly page while nothing listens at the origin, and says when that changes,
 * - counts visitors and keeps the last requests (traffic.ts), reported at most twice a second.
 * The thin I/O shell around those pure parts.
 */
import { EventEmitter } from 'node:events';
import {
  Agent as HttpAgent,
  createServer,
  request as httpRequest,
  type ClientRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type RequestOptions,
  type Server,
  type ServerResponse,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createProxyServer, type ProxyServer } from 'http-proxy-3';
import type { Logger } from '../log.js';
import type { LoopbackOrigin, ShareTraffic } from '../protocol/index.js';
import { AUTH_CHALLENGE, checkBasicAuth } from './basic-auth.js';
import { forwardedRequestHeaders, hopByHopResponseHeaders, isAllowedHost, publicOriginOf, rewriteLocation } from './headers.js';
import { isUnreachableError } from './origin-address.js';
import { OriginDialer } from './origin-dialer.js';
import { ORIGIN_DOWN_PAGE, ORIGIN_DOWN_RETRY_SECONDS, ORIGIN_ERROR_PAGE, PASSWORD_PAGE } from './pages.js';
import { isProbeRequest, probeAnswer } from '../probe/probe-token.js';
import { Throttle } from './throttle.js';
import { TrafficLog, visitorKey } from './traffic.js';

export interface GatewaySettings {
  password: string | null;
  keepPublicHost: boolean;
}

export interface GatewayOptions {
  origin: LoopbackOrigin;
  settings: GatewaySettings;
  /** The secret the host's probe asks for (probe-token.ts). */
  probeToken: string;
  log: Logger;
  /** At most one traffic event per this many ms (default 500: two a second). */
  trafficIntervalMs?: number;
  /** How often to look for the origin again while nothing listens there (default 2000). */
  originPollMs?: number;
}

interface GatewayEvents {
  traffic: [traffic: ShareTraffic];
  /** true: the origin answers again; false: nothing listens at the origin. Sent on changes only. */
  origin: [reachable: boolean];
}

/** What the gateway remembers of a request until it is recorded. */
interface Visit {
  at: number;
  started: number;
  visitor: string | null;
  recorded: boolean;
}

/** cloudflared keeps idle connections to the origin for 90 s; closing ours first would race its reuse. */
const KEEP_ALIVE_MS = 95_000;

export class Gateway extends EventEmitter<GatewayEvents> {
  private settings: GatewaySettings;
  private readonly server: Server;
  private readonly proxy: ProxyServer;
  private readonly dialer: OriginDialer;
  private readonly agent: HttpAgent;
  private readonly target: URL;
  /** What every request to the origin shares: where, through which agent, how. */
  private readonly requestBase: RequestOptions;
  private readonly requestOrigin: (options: RequestOptions) => ClientRequest;
  private readonly originHost: string;
  private readonly traffic = new TrafficLog();
  private readonly throttle: Throttle;
  private readonly upgraded = new Set<Duplex>();
  private readonly upgradeVisits = new WeakMap<IncomingMessage, Visit>();
  private originReachable: boolean | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private port: number | null = null;
  private publicHostname: string | null = null;

  constructor(private readonly options: GatewayOptions) {
    super();
    this.settings = { ...options.settings };
    const { origin } = options;
    this.target = new URL(origin.origin);
    this.originHost = this.target.host;
    this.dialer = new OriginDialer(origin.hostname, origin.port);
    const agentOptions = { keepAlive: true, scheduling: 'lifo' as const, ...this.dialer.connectOptions };
    // Local https dev servers use self-signed certificates: the gateway is their only client here.
    this.agent = origin.protocol === 'https' ? new HttpsAgent({ ...agentOptions, rejectUnauthorized: false }) : new HttpAgent(agentOptions);
    this.requestBase = {
      agent: this.agent,
      hostname: origin.hostname.replace(/^\[|\]$/g, ''),
      port: origin.port,
      ...(origin.protocol === 'https' ? { rejectUnauthorized: false } : {}),
    };
    this.requestOrigin = origin.protocol === 'https' ? httpsRequest : httpRequest;
    this.throttle = new Throttle(options.trafficIntervalMs ?? 500, () => this.emit('traffic', this.traffic.snapshot()));

    // Everything per share is set here once: a request only passes its own req and res.
    this.proxy = createProxyServer({ target: this.target, agent: this.agent, ws: true, xfwd: false, secure: false, changeOrigin: false });
    this.proxy.on('proxyReqWs', (proxyReq, req) => {
      proxyReq.once('upgrade', (response: IncomingMessage) => {
        this.originAnswered(response.socket?.remoteAddress);
        this.record(req, 101);
      });
      proxyReq.once('response', (response: IncomingMessage) => {
        this.originAnswered(response.socket?.remoteAddress);
        this.record(req, response.statusCode ?? 0);
      });
    });
    // Errors that no per-call callback took (none expected): never let one take the host down.
    this.proxy.on('error', (error) => options.log.warn(`gateway ${this.originHost}: ${error.message}`));

    this.server = createServer({ keepAliveTimeout: KEEP_ALIVE_MS, headersTimeout: KEEP_ALIVE_MS + 5000, requestTimeout: 0 });
    this.server.on('request', (req, res) => this.onRequest(req, res));
    this.server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
    this.server.on('clientError', (_error, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      else socket.destroy();
    });
  }

  /** Starts listening; resolves with the URL cloudflared should forward to. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('the gateway has no port');
    this.port = address.port;
    void this.checkOrigin();
    return this.url;
  }

  get url(): string {
    if (this.port === null) throw new Error('the gateway is not listening yet');
    return `http://127.0.0.1:${this.port}`;
  }

  configure(settings: GatewaySettings): void {
    this.settings = { ...settings };
  }

  /** The share's public address, once cloudflared has printed it: requests for that name are served. */
  setPublicUrl(url: string): void {
    this.publicHostname = new URL(url).hostname.toLowerCase();
  }

  /** Stops listening and drops every connection, upgraded ones included. */
  close(): void {
    if (!this.closed) {
      this.closed = true;
      if (this.server.listening) this.server.close();
    }
    this.throttle.cancel();
    if (this.pollTimer !== null) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    this.server.closeAllConnections();
    for (const socket of this.upgraded) socket.destroy();
    this.upgraded.clear();
    this.agent.destroy();
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    if (!isAllowedHost(req.headers.host, this.publicHostname, this.port)) {
      res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end('This address is not served here.\n');
      return;
    }
    if (isProbeRequest(req.url, this.options.probeToken)) {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end(probeAnswer(this.options.probeToken));
      return;
    }
    const authorized = this.authorized(req);
    const visit = this.visitOf(req, authorized);
    if (!authorized) {
      res.once('close', () => this.recordVisit(req, visit, res.headersSent ? res.statusCode : 0));
      res.writeHead(401, { 'www-authenticate': AUTH_CHALLENGE, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(PASSWORD_PAGE);
      return;
    }
    this.relay(req, res, visit);
  }

  /**
   * An ordinary request: relayed with node:http directly (http-proxy-3's web path copies the headers
   * several times and runs a chain of passes per request), both bodies piped, nothing buffered.
   */
  private relay(req: IncomingMessage, res: ServerResponse, visit: Visit): void {
    const headers = this.forwardedHeaders(req, false);
    const method = req.method ?? 'GET';
    // As http-proxy-3 did: a DELETE or OPTIONS without a length goes with an empty body.
    if ((method === 'DELETE' || method === 'OPTIONS') && headers['content-length'] === undefined) {
      headers['content-length'] = '0';
      delete headers['transfer-encoding'];
    }
    // As a flat [name, value, …] list, Node writes the headers as they are, without storing each first.
    const list: string[] = [];
    for (const name in headers) {
      const value = headers[name];
      if (typeof value === 'string') list.push(name, value);
      else if (Array.isArray(value)) for (const one of value) list.push(name, one);
      else if (value !== undefined) list.push(name, String(value));
    }
    const proxyReq = this.requestOrigin({ ...this.requestBase, method, path: req.url ?? '/', headers: list });
    proxyReq.on('response', (proxyRes) => this.onOriginResponse(proxyRes, req, res));
    const failed = (error: NodeJS.ErrnoException): void => {
      // The visitor went away: nothing to answer.
      if (req.socket.destroyed && error.code === 'ECONNRESET') proxyReq.destroy();
      else this.onProxyError(error, req, res);
    };
    proxyReq.on('error', failed);
    req.on('error', failed);
    res.once('close', () => {
      // The visitor left before the answer ended (a closed tab, an SSE stream dropped): so does the origin request.
      if (!res.writableFinished) proxyReq.destroy();
      this.recordVisit(req, visit, res.headersSent ? res.statusCode : 0);
    });
    req.pipe(proxyReq);
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (!isAllowedHost(req.headers.host, this.publicHostname, this.port)) {
      socket.end('HTTP/1.1 421 Misdirected Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.upgraded.add(socket);
    socket.once('close', () => this.upgraded.delete(socket));
    socket.on('error', () => socket.destroy());
    const authorized = this.authorized(req);
    const visit = this.visitOf(req, authorized);
    // Upgrades are recorded from http-proxy-3's events, which pass the request only.
    this.upgradeVisits.set(req, visit);
    if (!authorized) {
      socket.end(rawResponse(401, { 'WWW-Authenticate': AUTH_CHALLENGE }, ''));
      this.record(req, 401);
      return;
    }
    socket.once('close', () => this.record(req, 0));
    req.headers = this.forwardedHeaders(req, true) as IncomingMessage['headers'];
    this.proxy.ws(req, socket, head, {}, this.onProxyError);
  }

  private authorized(req: IncomingMessage): boolean {
    const { password } = this.settings;
    return password === null || checkBasicAuth(req.headers.authorization, password);
  }

  /** The headers the origin gets (for upgrades, http-proxy-3 copies them from the request). */
  private forwardedHeaders(req: IncomingMessage, upgrade: boolean): OutgoingHttpHeaders {
    return forwardedRequestHeaders(req.headers, {
      originHost: this.originHost,
      origin: this.options.origin.origin,
      keepPublicHost: this.settings.keepPublicHost,
      consumeAuthorization: this.settings.password !== null,
      peerAddress: req.socket.remoteAddress,
      upgrade,
    });
  }

  private onOriginResponse(proxyRes: IncomingMessage, req: IncomingMessage, res: ServerResponse): void {
    this.originAnswered(proxyRes.socket?.remoteAddress);
    // The origin died mid-answer: end the visitor's response too, rather than leave it hanging.
    proxyRes.once('close', () => {
      if (!proxyRes.complete) res.destroy();
    });
    if (res.headersSent || res.destroyed) {
      proxyRes.resume();
      return;
    }
    const headers = proxyRes.headers;
    for (const name of hopByHopResponseHeaders(headers)) delete headers[name];
    // The visitor's side frames the body itself (chunked or by length), as http-proxy-3 did.
    delete headers['transfer-encoding'];
    const location = headers.location;
    if (location !== undefined) headers.location = rewriteLocation(location, this.options.origin.origin, publicOriginOf(req.headers));
    res.writeHead(proxyRes.statusCode ?? 502, proxyRes.statusMessage, headers);
    proxyRes.pipe(res);
  }

  /** Called with the request and the response (or, for upgrades, the socket, by http-proxy-3) that failed. */
  private readonly onProxyError = (error: Error, req: IncomingMessage, res: ServerResponse | Socket | Duplex): void => {
    const unreachable = isUnreachableError(error);
    if (unreachable) this.setOriginReachable(false);
    else this.options.log.warn(`gateway ${this.originHost}: ${req.method} ${req.url}: ${(error as NodeJS.ErrnoException).code ?? error.message}`);
    const body = unreachable ? ORIGIN_DOWN_PAGE : ORIGIN_ERROR_PAGE;
    const headers = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...(unreachable ? { 'retry-after': String(ORIGIN_DOWN_RETRY_SECONDS) } : {}) };
    if ('writeHead' in res) {
      if (res.headersSent) res.destroy();
      else res.writeHead(502, headers).end(body);
      return;
    }
    this.record(req, 502);
    if (res.writable) res.end(rawResponse(502, headers, body));
    else res.destroy();
  };

  private originAnswered(address: string | undefined): void {
    this.dialer.remember(address);
    this.setOriginReachable(true);
  }

  private setOriginReachable(reachable: boolean): void {
    if (this.closed || this.originReachable === reachable) return;
    this.originReachable = reachable;
    this.options.log.info(`gateway ${this.originHost}: origin ${reachable ? 'answers' : 'does not answer'}`);
    this.emit('origin', reachable);
    if (!reachable) this.schedulePoll();
  }

  /** While nothing listens, look again now and then, so the extension hears of the recovery without a visitor. */
  private schedulePoll(): void {
    if (this.pollTimer !== null || this.closed) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = null;
      if (this.originReachable === false) void this.checkOrigin();
    }, this.options.originPollMs ?? 2000);
    this.pollTimer.unref();
  }

  private async checkOrigin(): Promise<void> {
    const listening = await this.dialer.isListening();
    if (this.closed) return;
    if (listening) this.setOriginReachable(true);
    else if (this.originReachable === false) this.schedulePoll();
    else this.setOriginReachable(false);
  }

  private visitOf(req: IncomingMessage, authorized: boolean): Visit {
    return { at: Date.now(), started: performance.now(), visitor: authorized ? visitorKey(req.headers, req.socket.remoteAddress) : null, recorded: false };
  }

  /** For upgrades (and their 502s), whose visit http-proxy-3's events do not carry. */
  private record(req: IncomingMessage, status: number): void {
    const visit = this.upgradeVisits.get(req);
    if (visit !== undefined) this.recordVisit(req, visit, status);
  }

  private recordVisit(req: IncomingMessage, visit: Visit, status: number): void {
    if (visit.recorded) return;
    visit.recorded = true;
    this.traffic.record(
      { method: req.method ?? 'GET', path: req.url ?? '/', status, at: visit.at, ms: Math.round(performance.now() - visit.started) },
      visit.visitor,
    );
    if (!this.closed) this.throttle.poke();
  }
}

function rawResponse(status: number, headers: Record<string, string>, body: string): string {
  const lines = [`HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Bad Gateway'}`, 'Connection: close', `Content-Length: ${Buffer.byteLength(body)}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}
