/**
 * One share's gateway: a TCP server on an ephemeral 127.0.0.1 port that cloudflared forwards to,
 * relaying each connection's requests to the origin over a connection of its own, bodies streamed
 * both ways (Server-Sent Events included), WebSocket upgrades as plain pipes. The parts:
 * - visitor-connection.ts: the relay itself, one visitor connection and its origin connection;
 *   heads read strictly (http-head.ts), bodies framed exactly once each way (framing.ts,
 *   chunked.ts, response-framing.ts), answers the gateway writes itself (answers.ts),
 * - access.ts: the share's password (sign-in page and cookie, basic auth, wrong guesses slowed),
 * - limits.ts, visitor.ts: one visitor cannot take the share from the others,
 * - headers.ts, response-headers.ts, cookies.ts, dev-client.ts (within held-bytes.ts's budget):
 *   what is rewritten on the way,
 * - visits.ts: counters and the last requests for the popup, reported at most twice a second,
 * - this file: the server, the connection cap, timeouts, and watching the origin
 *   (origin-watch.ts, origin-dialer.ts), serving a friendly page while nothing listens there.
 *
 * Why not node:http (issue 15): its per-request streams and agent cost about 260 µs of CPU per
 * small relayed request, three times nginx's; the relay here moves bytes and reads heads only.
 */
import { EventEmitter } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../log.js';
import type { LoopbackOrigin, ShareTraffic } from '../protocol/index.js';
import { ShareAccess } from './access.js';
import { HELD_SCRIPT_BUDGET, HeldBytes } from './held-bytes.js';
import { chooseVictim, MAX_CONNECTIONS, VisitorSlots } from './limits.js';
import { isUnreachableError } from './origin-address.js';
import { OriginDialer } from './origin-dialer.js';
import { nextOriginCheckDelay } from './origin-watch.js';
import { type RelayHost, VisitorConnection } from './visitor-connection.js';
import { Visits } from './visits.js';

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
  /** How often to look at the origin while it matters (origin-watch.ts; default 2000). */
  originPollMs?: number;
  /** Bytes of scripts held at once for the dev-client rewrite (held-bytes.ts; default 32 MiB). */
  heldScriptBudget?: number;
}

interface GatewayEvents {
  traffic: [traffic: ShareTraffic];
  /** true: the origin answers again; false: nothing listens at the origin. Sent on changes only. */
  origin: [reachable: boolean];
}

/** How often connections are checked against their deadlines (visitor-connection.ts sets them). */
const SWEEP_MS = 2000;

export class Gateway extends EventEmitter<GatewayEvents> implements RelayHost {
  private settings: GatewaySettings;
  private readonly server: Server;
  private readonly dialer: OriginDialer;
  private readonly connections = new Set<VisitorConnection>();
  private readonly tls: boolean;
  readonly log: Logger;
  readonly originUrl: string;
  readonly originHost: string;
  readonly probeToken: string;
  readonly access: ShareAccess;
  readonly visits: Visits;
  readonly slots = new VisitorSlots();
  readonly scripts: HeldBytes;
  private originReachable: boolean | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;
  private pollDelayMs = 0;
  private checking = false;
  /** performance.now() of the last request, reachability change or relay error (origin-watch.ts). */
  private lastActivity = -Infinity;
  private closed = false;
  port: number | null = null;
  publicHostname: string | null = null;

  constructor(private readonly options: GatewayOptions) {
    super();
    this.settings = { ...options.settings };
    const { origin } = options;
    this.log = options.log;
    this.originUrl = origin.origin;
    this.originHost = new URL(origin.origin).host;
    this.probeToken = options.probeToken;
    this.tls = origin.protocol === 'https';
    this.dialer = new OriginDialer(origin.hostname, origin.port);
    this.access = new ShareAccess(this.settings.password);
    this.scripts = new HeldBytes(options.heldScriptBudget ?? HELD_SCRIPT_BUDGET);
    this.visits = new Visits(options.trafficIntervalMs ?? 500, (traffic) => this.emit('traffic', traffic));
    // allowHalfOpen: a visitor that ends its side after a request still gets the answer.
    this.server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => this.onConnection(socket));
  }

  get keepPublicHost(): boolean {
    return this.settings.keepPublicHost;
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

  /** Scripts held for the dev-client rewrite now, at most so far, and the budget (tests, benchmarks). */
  get heldScripts(): { current: number; peak: number; budget: number } {
    return { current: this.scripts.current, peak: this.scripts.peak, budget: this.scripts.budget };
  }

  /**
   * A new or changed password signs everyone out: cookies given so far stop working, and every
   * connection and WebSocket is closed, since each came in without the new password (cloudflared
   * simply opens new ones, which meet the password).
   */
  configure(settings: GatewaySettings): void {
    this.settings = { ...settings };
    const passwordChanged = this.access.setPassword(settings.password);
    if (passwordChanged && settings.password !== null) this.dropAllConnections();
  }

  private dropAllConnections(): void {
    for (const connection of this.connections) connection.destroy();
    this.connections.clear();
  }

  /** The share's public address, once cloudflared has printed it: requests for that name are served. */
  setPublicUrl(url: string): void {
    this.publicHostname = new URL(url).hostname.toLowerCase();
    // The user is about to open or send the address: a stopped server should show at once.
    this.lastActivity = performance.now();
  }

  /** Stops listening and drops every connection, upgraded ones included. */
  close(): void {
    if (!this.closed) {
      this.closed = true;
      if (this.server.listening) this.server.close();
    }
    this.visits.close();
    if (this.pollTimer !== null) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    this.stopSweep();
    this.dropAllConnections();
  }

  /** Past the cap, a new connection is not refused: one is closed to make room (limits.ts says which). */
  private onConnection(socket: Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    if (this.connections.size >= MAX_CONNECTIONS) {
      const victim = chooseVictim(this.connections);
      if (victim !== undefined) {
        this.connections.delete(victim);
        victim.destroy();
      }
    }
    const connection = new VisitorConnection(socket, this);
    this.connections.add(connection);
    socket.once('close', () => {
      this.connections.delete(connection);
      if (this.connections.size === 0) this.stopSweep();
    });
    if (this.sweepTimer === null) {
      this.sweepTimer = setInterval(() => this.sweep(), SWEEP_MS);
      this.sweepTimer.unref();
    }
  }

  /** Closes connections past their deadline: a head or body that does not come, a keep-alive connection left idle. */
  private sweep(): void {
    const now = performance.now();
    for (const connection of this.connections) if (connection.deadline < now) connection.timedOut();
  }

  private stopSweep(): void {
    if (this.sweepTimer !== null) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
  }

  dial(): Socket {
    return this.dialer.dial(this.tls);
  }

  active(): void {
    this.lastActivity = performance.now();
  }

  originAnswered(address: string | undefined): void {
    this.dialer.remember(address);
    this.setOriginReachable(true);
  }

  originFailed(error: Error, what: string): boolean {
    const unreachable = isUnreachableError(error);
    if (unreachable) this.setOriginReachable(false);
    else {
      this.log.warn(`gateway ${this.originHost}: ${what}: ${(error as NodeJS.ErrnoException).code ?? error.message}`);
      // A reset or a cut answer may be the server going down: look now rather than at the next poll.
      this.lastActivity = performance.now();
      void this.checkOrigin();
    }
    return unreachable;
  }

  private setOriginReachable(reachable: boolean): void {
    if (this.closed || this.originReachable === reachable) return;
    // The first look (null → known) is no news: an idle share may back off from the start.
    if (this.originReachable !== null) this.lastActivity = performance.now();
    this.originReachable = reachable;
    this.log.info(`gateway ${this.originHost}: origin ${reachable ? 'answers' : 'does not answer'}`);
    this.emit('origin', reachable);
  }

  /**
   * Looks at the origin again after a pause (origin-watch.ts says how long), for as long as the
   * share runs: the extension hears that the server stopped, or came back, without a visitor.
   */
  private schedulePoll(): void {
    if (this.pollTimer !== null || this.closed) return;
    this.pollDelayMs = nextOriginCheckDelay(
      { reachable: this.originReachable, sinceActivityMs: performance.now() - this.lastActivity, lastDelayMs: this.pollDelayMs },
      this.options.originPollMs,
    );
    this.pollTimer = setTimeout(() => {
      this.pollTimer = null;
      void this.checkOrigin();
    }, this.pollDelayMs);
    this.pollTimer.unref();
  }

  /** One bare TCP connect (no HTTP request), then the next look is scheduled. */
  private async checkOrigin(): Promise<void> {
    if (this.checking || this.closed) return;
    this.checking = true;
    if (this.pollTimer !== null) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    try {
      let listening = await this.dialer.isListening();
      // A server that answered a moment ago gets a second look before the share turns amber: on a
      // loaded machine one connect can miss its happy-eyeballs window, and a false alarm is loud.
      if (!listening && this.originReachable === true && !this.closed) listening = await this.dialer.isListening();
      if (this.closed) return;
      this.setOriginReachable(listening);
    } finally {
      this.checking = false;
      this.schedulePoll();
    }
  }
}
