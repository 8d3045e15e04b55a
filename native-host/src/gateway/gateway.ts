/**
 * One share's gateway: an HTTP server on an ephemeral 127.0.0.1 port that cloudflared forwards to,
 * relaying to the origin over keep-alive connections, bodies streamed both ways (Server-Sent Events
 * included): ordinary requests with node:http itself, WebSocket upgrades with http-proxy-3. On the way it
 * - refuses requests whose framing two servers could read two ways, and frames each request it
 *   relays itself (framing.ts),
 * - answers the host's own reachability probe (probe-token.ts),
 * - asks for the share's password: a sign-in page and cookie for people (sign-in.ts, pages.ts),
 *   basic auth for scripts (basic-auth.ts), wrong guesses slowed down (guess-limiter.ts),
 * - keeps one visitor from taking the share from the others (limits.ts, visitor.ts),
 * - rewrites Host and sets X-Forwarded-* from what it verified (headers.ts), and Location on the way back,
 * - dials whichever loopback address the origin listens on, accepting self-signed certificates,
 * - serves a friendly page while nothing listens at the origin, and says when that changes,
 * - counts visitors and keeps the last requests (traffic.ts), reported at most twice a second.
 * The thin I/O shell around those pure parts.
 */
import { EventEmitter } from 'node:events';
import {
  type ClientRequest,
  createServer,
  Agent as HttpAgent,
  request as httpRequest,
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
import { isProbeRequest, probeAnswer } from '../probe/probe-token.js';
import type { LoopbackOrigin, ShareTraffic } from '../protocol/index.js';
import { AUTH_CHALLENGE, basicAuthPasswords, passwordMatches } from './basic-auth.js';
import { checkFraming, type Framing, outgoingFraming } from './framing.js';
import { GuessLimiter, retryAfterSeconds } from './guess-limiter.js';
import {
  forwardedRequestHeaders,
  hopByHopResponseHeaders,
  isAllowedHost,
  type PublicOrigin,
  publicOriginFor,
  rewriteLocation,
  serialise,
} from './headers.js';
import { type ConnectionInfo, chooseVictim, MAX_CONNECTIONS, VisitorSlots } from './limits.js';
import { isUnreachableError } from './origin-address.js';
import { OriginDialer } from './origin-dialer.js';
import {
  ORIGIN_DOWN_PAGE,
  ORIGIN_DOWN_RETRY_SECONDS,
  ORIGIN_ERROR_PAGE,
  PASSWORD_PAGE,
  SIGN_IN_PAGE_HEADERS,
  type SignInProblem,
  signInPage,
} from './pages.js';
import { MAX_FORM_BYTES, readSignInForm, SessionKey, SIGN_IN_PATH, safeNext, wantsHtml, withoutShareCookie } from './sign-in.js';
import { Throttle } from './throttle.js';
import { TrafficLog, visitorKey } from './traffic.js';
import { clientAddress, visitorAddress } from './visitor.js';

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
/** From a request's first byte to the end of its head: Cloudflare's edge sends whole heads, so only a stray local client is slower. */
const HEADERS_TIMEOUT_MS = 20_000;
/** From a request's first byte to the end of its body: room for a large upload over a slow link, but not forever. */
const REQUEST_TIMEOUT_MS = 5 * 60_000;
/** Node's default, said out loud: a longer head gets 431. Cloudflare allows 32 KiB, dev servers usually 16. */
const MAX_HEADER_BYTES = 16 * 1024;

/** Whether a request may pass the share's password, and how it proved it. */
type Access =
  | { ok: true; via: 'open' | 'cookie' | 'basic' }
  | { ok: false; why: 'missing' | 'wrong' }
  | { ok: false; why: 'locked'; retryAfterMs: number };

/** A connection to the gateway (from cloudflared), for the connection cap (limits.ts). */
interface Connection extends ConnectionInfo {
  socket: Socket;
  /** A request on it had framing the gateway refused: nothing more is read from it. */
  condemned: boolean;
}

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
  private readonly connections = new Map<Socket, Connection>();
  private readonly slots = new VisitorSlots();
  private readonly guesses = new GuessLimiter();
  private readonly session = new SessionKey();
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

    this.server = createServer({
      keepAliveTimeout: KEEP_ALIVE_MS,
      headersTimeout: HEADERS_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      maxHeaderSize: MAX_HEADER_BYTES,
      // Node's defaults, said out loud: the strict parser refuses Content-Length with
      // Transfer-Encoding, duplicate lengths, bare LF and the like; a request without Host is refused.
      insecureHTTPParser: false,
      requireHostHeader: true,
    });
    this.server.on('connection', (socket: Socket) => this.onConnection(socket));
    this.server.on('request', (req, res) => this.onRequest(req, res));
    this.server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
    this.server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
      const status =
        error.code === 'HPE_HEADER_OVERFLOW'
          ? '431 Request Header Fields Too Large'
          : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
            ? '408 Request Timeout'
            : '400 Bad Request';
      if (socket.writable && error.code !== 'ECONNRESET')
        socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
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

  /**
   * A new or changed password signs everyone out: cookies given so far stop working, and every
   * connection and WebSocket is closed, since each came in without the new password (cloudflared
   * simply opens new ones, which meet the password).
   */
  configure(settings: GatewaySettings): void {
    const passwordChanged = settings.password !== this.settings.password;
    this.settings = { ...settings };
    if (!passwordChanged) return;
    this.session.rotate();
    if (settings.password !== null) this.dropAllConnections();
  }

  private dropAllConnections(): void {
    for (const connection of this.connections.values()) connection.socket.destroy();
    this.connections.clear();
    this.server.closeAllConnections();
    for (const socket of this.upgraded) socket.destroy();
    this.upgraded.clear();
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
    this.dropAllConnections();
    this.agent.destroy();
  }

  /** Past the cap, a new connection is not refused: one is closed to make room (limits.ts says which). */
  private onConnection(socket: Socket): void {
    if (this.connections.size >= MAX_CONNECTIONS) {
      const victim = chooseVictim(this.connections.values());
      if (victim !== undefined) {
        this.connections.delete(victim.socket);
        victim.socket.destroy();
      }
    }
    this.connections.set(socket, { socket, visitor: null, busy: 0, condemned: false });
    socket.once('close', () => this.connections.delete(socket));
  }

  /** Notes who is using a connection until `done` (a response closing, an upgraded socket closing). */
  private occupy(
    socket: Socket | Duplex,
    visitor: string,
    done: { once(event: 'close', listener: () => void): unknown },
  ): Connection | undefined {
    const connection = this.connections.get(socket as Socket);
    if (connection === undefined) return undefined;
    connection.visitor = visitor;
    connection.busy++;
    done.once('close', () => connection.busy--);
    return connection;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const visitor = visitorAddress(req.headers, req.socket.remoteAddress);
    const connection = this.occupy(req.socket, visitor, res);
    // A request read after one the gateway refused on this connection: its bytes cannot be trusted.
    // It gets no answer: the connection closes after the 400 (answers go out in order).
    if (connection?.condemned === true) return;
    const host = req.headers.host;
    if (host === undefined || !isAllowedHost(host, this.publicHostname, this.port)) {
      res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end('This address is not served here.\n');
      return;
    }
    const framing = checkFraming({
      method: req.method ?? 'GET',
      httpVersion: req.httpVersion,
      headers: req.headers,
      rawHeaders: req.rawHeaders,
      upgrade: false,
    });
    if (!framing.ok) {
      if (connection !== undefined) connection.condemned = true;
      this.options.log.warn(`gateway ${this.originHost}: refused a request with ${framing.reason}`);
      // `Connection: close`: Node closes the connection once this answer (and those before it) are out.
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end(`Bad request: ${framing.reason}.\n`);
      return;
    }
    if (isProbeRequest(req.url, this.options.probeToken)) {
      res
        .writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' })
        .end(probeAnswer(this.options.probeToken));
      return;
    }
    const publicOrigin = publicOriginFor(host, this.publicHostname);
    const path = req.url ?? '/';
    if (this.settings.password !== null && (path === SIGN_IN_PATH || path.startsWith(`${SIGN_IN_PATH}?`))) {
      this.signIn(req, res, visitor, publicOrigin);
      return;
    }
    const access = this.access(req, visitor);
    const visit = this.visitOf(req, access.ok);
    if (!access.ok) {
      res.once('close', () => this.recordVisit(req, visit, res.headersSent ? res.statusCode : 0));
      this.challenge(req, res, access);
      return;
    }
    const release = this.slots.acquire(visitor, () => this.relay(req, res, visit, framing.framing, publicOrigin, access.via === 'basic'));
    res.once('close', release);
  }

  /** What a request without the password gets: a sign-in page for a browser, the basic-auth challenge for scripts. */
  private challenge(req: IncomingMessage, res: ServerResponse, access: Exclude<Access, { ok: true }>): void {
    const html = wantsHtml(req.method, req.headers.accept);
    const headers: OutgoingHttpHeaders = html
      ? { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...SIGN_IN_PAGE_HEADERS }
      : { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' };
    if (access.why === 'locked') {
      const seconds = retryAfterSeconds(access.retryAfterMs);
      headers['retry-after'] = String(seconds);
      res
        .writeHead(429, headers)
        .end(
          html
            ? signInPage(safeNext(req.url), { kind: 'locked', seconds })
            : `Too many wrong passwords. Try again in ${seconds} seconds.\n`,
        );
      return;
    }
    if (html) {
      // No Basic challenge: a browser would show its own dialog, which asks for a user name visitors do not have.
      res.writeHead(401, headers).end(signInPage(safeNext(req.url), access.why === 'wrong' ? { kind: 'wrong' } : null));
      return;
    }
    headers['www-authenticate'] = AUTH_CHALLENGE;
    headers['content-type'] = 'text/html; charset=utf-8';
    res.writeHead(401, headers).end(PASSWORD_PAGE);
  }

  /** The sign-in form's POST (and a GET of its address: the form itself). Never relayed. */
  private signIn(req: IncomingMessage, res: ServerResponse, visitor: string, publicOrigin: PublicOrigin): void {
    const visit = this.visitOf(req, false);
    res.once('close', () => this.recordVisit(req, visit, res.headersSent ? res.statusCode : 0));
    const page = (status: number, problem: SignInProblem, next: string, extra: OutgoingHttpHeaders = {}): void => {
      res
        .writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...SIGN_IN_PAGE_HEADERS, ...extra })
        .end(signInPage(next, problem));
    };
    if (req.method !== 'POST') {
      page(200, null, '/');
      return;
    }
    // A form on another site posting here would spend the visitor's own wrong-password budget and
    // lock them out (their browser, their address): only the share's own page may post.
    const from = req.headers.origin;
    if (from !== undefined && from !== serialise(publicOrigin)) {
      res
        .writeHead(403, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', connection: 'close' })
        .end('This sign-in was sent from another site.\n');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_FORM_BYTES) {
        if (!res.headersSent)
          res.writeHead(413, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end('The form was too large.\n');
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (res.headersSent || size > MAX_FORM_BYTES) return;
      const password = this.settings.password;
      const form = readSignInForm(Buffer.concat(chunks).toString('utf8'));
      if (password === null) {
        res.writeHead(303, { location: form.next, 'cache-control': 'no-store', 'content-length': '0' }).end();
        return;
      }
      const verdict = this.guesses.check(visitor);
      if (!verdict.allowed) {
        const seconds = retryAfterSeconds(verdict.retryAfterMs);
        page(429, { kind: 'locked', seconds }, form.next, { 'retry-after': String(seconds) });
        return;
      }
      if (!passwordMatches(form.password, password)) {
        this.guesses.failed(visitor);
        page(401, { kind: 'wrong' }, form.next);
        return;
      }
      this.guesses.succeeded(visitor);
      res
        .writeHead(303, {
          location: form.next,
          'set-cookie': this.session.setCookieHeader(),
          'cache-control': 'no-store',
          'content-length': '0',
        })
        .end();
    });
  }

  /**
   * An ordinary request: relayed with node:http directly (http-proxy-3's web path copies the headers
   * several times and runs a chain of passes per request), both bodies piped, nothing buffered.
   */
  private relay(
    req: IncomingMessage,
    res: ServerResponse,
    visit: Visit,
    framing: Framing,
    publicOrigin: PublicOrigin,
    consumeAuthorization: boolean,
  ): void {
    if (res.destroyed) return;
    const method = req.method ?? 'GET';
    const headers = this.forwardedHeaders(req, {
      upgrade: false,
      framing: outgoingFraming(method, framing),
      publicOrigin,
      consumeAuthorization,
    });
    // As a flat [name, value, …] list, Node writes the headers as they are, without storing each first.
    const list: string[] = [];
    for (const name in headers) {
      const value = headers[name];
      if (typeof value === 'string') list.push(name, value);
      else if (Array.isArray(value)) for (const one of value) list.push(name, one);
      else if (value !== undefined) list.push(name, String(value));
    }
    const proxyReq = this.requestOrigin({ ...this.requestBase, method, path: req.url ?? '/', headers: list });
    // Belt and braces: Node throws rather than write more (or less) body than the length it sent.
    (proxyReq as ClientRequest & { strictContentLength: boolean }).strictContentLength = true;
    proxyReq.on('response', (proxyRes) => this.onOriginResponse(proxyRes, res, publicOrigin));
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
    const visitor = visitorAddress(req.headers, req.socket.remoteAddress);
    this.occupy(socket, visitor, socket);
    const host = req.headers.host;
    if (host === undefined || !isAllowedHost(host, this.publicHostname, this.port)) {
      socket.end('HTTP/1.1 421 Misdirected Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const framing = checkFraming({
      method: req.method ?? 'GET',
      httpVersion: req.httpVersion,
      headers: req.headers,
      rawHeaders: req.rawHeaders,
      upgrade: true,
    });
    if (!framing.ok) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.upgraded.add(socket);
    socket.once('close', () => this.upgraded.delete(socket));
    socket.on('error', () => socket.destroy());
    const access = this.access(req, visitor);
    const visit = this.visitOf(req, access.ok);
    // Upgrades are recorded from http-proxy-3's events, which pass the request only.
    this.upgradeVisits.set(req, visit);
    if (!access.ok) {
      if (access.why === 'locked') socket.end(rawResponse(429, { 'Retry-After': String(retryAfterSeconds(access.retryAfterMs)) }, ''));
      else socket.end(rawResponse(401, { 'WWW-Authenticate': AUTH_CHALLENGE }, ''));
      this.record(req, access.why === 'locked' ? 429 : 401);
      return;
    }
    socket.once('close', () => this.record(req, 0));
    const publicOrigin = publicOriginFor(host, this.publicHostname);
    req.headers = this.forwardedHeaders(req, {
      upgrade: true,
      framing: null,
      publicOrigin,
      consumeAuthorization: access.via === 'basic',
    }) as IncomingMessage['headers'];
    const release = this.slots.acquire(visitor, () => {
      if (!socket.destroyed) this.proxy.ws(req, socket, head, {}, this.onProxyError);
    });
    socket.once('close', release);
  }

  /**
   * Whether the request may pass the password: the share is open, the sign-in cookie is good, or
   * basic auth carries the password. Only a password actually given counts as a guess; a visitor
   * locked out by wrong ones is not even checked (guess-limiter.ts).
   */
  private access(req: IncomingMessage, visitor: string): Access {
    const { password } = this.settings;
    if (password === null) return { ok: true, via: 'open' };
    if (this.session.verify(req.headers.cookie)) return { ok: true, via: 'cookie' };
    const given = basicAuthPasswords(req.headers.authorization);
    if (given === null) return { ok: false, why: 'missing' };
    const verdict = this.guesses.check(visitor);
    if (!verdict.allowed) return { ok: false, why: 'locked', retryAfterMs: verdict.retryAfterMs };
    let right = false;
    for (const candidate of given) if (passwordMatches(candidate, password)) right = true;
    if (right) {
      this.guesses.succeeded(visitor);
      return { ok: true, via: 'basic' };
    }
    this.guesses.failed(visitor);
    return { ok: false, why: 'wrong' };
  }

  /** The headers the origin gets (for upgrades, http-proxy-3 copies them from the request). */
  private forwardedHeaders(
    req: IncomingMessage,
    how: { upgrade: boolean; framing: ReturnType<typeof outgoingFraming>; publicOrigin: PublicOrigin; consumeAuthorization: boolean },
  ): OutgoingHttpHeaders {
    return forwardedRequestHeaders(req.headers, {
      originHost: this.originHost,
      origin: this.options.origin.origin,
      keepPublicHost: this.settings.keepPublicHost,
      consumeAuthorization: how.consumeAuthorization,
      upgrade: how.upgrade,
      publicOrigin: how.publicOrigin,
      visitorAddress: clientAddress(req.headers, req.socket.remoteAddress),
      framing: how.framing,
      cookie: withoutShareCookie(req.headers.cookie),
    });
  }

  private onOriginResponse(proxyRes: IncomingMessage, res: ServerResponse, publicOrigin: PublicOrigin): void {
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
    if (location !== undefined) headers.location = rewriteLocation(location, this.options.origin.origin, serialise(publicOrigin));
    res.writeHead(proxyRes.statusCode ?? 502, proxyRes.statusMessage, headers);
    proxyRes.pipe(res);
  }

  /** Called with the request and the response (or, for upgrades, the socket, by http-proxy-3) that failed. */
  private readonly onProxyError = (error: Error, req: IncomingMessage, res: ServerResponse | Socket | Duplex): void => {
    const unreachable = isUnreachableError(error);
    if (unreachable) this.setOriginReachable(false);
    else
      this.options.log.warn(
        `gateway ${this.originHost}: ${req.method} ${req.url}: ${(error as NodeJS.ErrnoException).code ?? error.message}`,
      );
    const body = unreachable ? ORIGIN_DOWN_PAGE : ORIGIN_ERROR_PAGE;
    const headers = {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      ...(unreachable ? { 'retry-after': String(ORIGIN_DOWN_RETRY_SECONDS) } : {}),
    };
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
    return {
      at: Date.now(),
      started: performance.now(),
      visitor: authorized ? visitorKey(req.headers, req.socket.remoteAddress) : null,
      recorded: false,
    };
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
      // country, visitor and headers: filled minimally until the gateway records them (issue 11, host side).
      {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        status,
        at: visit.at,
        ms: Math.round(performance.now() - visit.started),
        country: null,
        visitor: '',
        requestHeaders: [],
        responseHeaders: [],
      },
      visit.visitor,
    );
    if (!this.closed) this.throttle.poke();
  }
}

const REASONS: Record<number, string> = { 401: 'Unauthorized', 429: 'Too Many Requests', 502: 'Bad Gateway' };

function rawResponse(status: number, headers: Record<string, string>, body: string): string {
  const lines = [`HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}`, 'Connection: close', `Content-Length: ${Buffer.byteLength(body)}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}
