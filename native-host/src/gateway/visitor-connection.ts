/**
 * One connection to the gateway (from cloudflared) and the one connection to the origin that
 * serves it: the I/O of the relay (issue 15). Requests are read one at a time, strictly
 * (http-head.ts, framing.ts, chunked.ts); each is answered by the gateway itself (wrong Host,
 * ambiguous framing, the probe, the password) or relayed: a head the gateway writes, the body
 * re-framed or counted, the response head rewritten (response-headers.ts) and its body framed
 * toward the visitor (response-framing.ts). Bytes move as they come, with backpressure both ways,
 * nothing buffered but a script that may carry webpack-dev-server's client (dev-client.ts), within
 * a share-wide budget (held-bytes.ts). A WebSocket upgrade becomes two plain pipes.
 *
 * Why not node:http: its per-request stream set-up cost three times the CPU of the relaying itself.
 * One origin socket per visitor connection keeps responses in order with no pool to manage:
 * cloudflared already multiplexes visitors over several connections.
 */
import type { Socket } from 'node:net';
import type { Logger } from '../log.js';
import { isProbeRequest, probeAnswer } from '../probe/probe-token.js';
import { type Access, type Answer, ShareAccess } from './access.js';
import { answer, type HeaderList, responseHead } from './answers.js';
import { ChunkedDecoder, frameChunk, LAST_CHUNK } from './chunked.js';
import { MAX_SCRIPT_BYTES, mayCarryDevClient, rewriteDevClientBody } from './dev-client.js';
import { checkFraming, type Framing, outgoingFraming } from './framing.js';
import { forwardedRequestHeaders, isAllowedHost, type PublicOrigin, publicOriginFor, serialise } from './headers.js';
import type { HeldBytes } from './held-bytes.js';
import { parseRequestHead, parseResponseHead, type RequestHead, type ResponseHead, tokens } from './http-head.js';
import type { ConnectionInfo, VisitorSlots } from './limits.js';
import { ORIGIN_DOWN_PAGE, ORIGIN_DOWN_RETRY_SECONDS, ORIGIN_ERROR_PAGE } from './pages.js';
import { inspectorHeaders, inspectorPairs } from './request-details.js';
import { type BodyFraming, originKeepsAlive, responseFraming, visitorKeepsAlive } from './response-framing.js';
import { visitorResponseHeaders } from './response-headers.js';
import { MAX_FORM_BYTES, SIGN_IN_PATH, withoutShareCookie } from './sign-in.js';
import { clientAddress, visitorAddress } from './visitor.js';
import type { Visit, Visits } from './visits.js';

const CRLFCRLF = Buffer.from('\r\n\r\n');

/** Node's default, said out loud: a longer head gets 431. Cloudflare allows 32 KiB, dev servers usually 16. */
export const MAX_HEADER_BYTES = 16 * 1024;
/** A response head from the origin: larger ones are an error (node:http allowed 16 KiB). */
const MAX_RESPONSE_HEAD_BYTES = 64 * 1024;
/** cloudflared keeps idle connections to the origin for 90 s; closing ours first would race its reuse. */
export const KEEP_ALIVE_MS = 95_000;
/** From a request's first byte to the end of its head: Cloudflare's edge sends whole heads, so only a stray local client is slower. */
export const HEADERS_TIMEOUT_MS = 20_000;
/** From a request's first byte to the end of its body: room for a large upload over a slow link, but not forever. */
export const REQUEST_TIMEOUT_MS = 5 * 60_000;

/** What a connection needs from its share's gateway. */
export interface RelayHost {
  readonly log: Logger;
  readonly originUrl: string;
  readonly originHost: string;
  readonly probeToken: string;
  readonly keepPublicHost: boolean;
  readonly publicHostname: string | null;
  readonly port: number | null;
  readonly access: ShareAccess;
  readonly visits: Visits;
  readonly slots: VisitorSlots;
  readonly scripts: HeldBytes;
  dial(): Socket;
  /** A request came in: the origin watch looks more often for a while. */
  active(): void;
  /** The origin answered, from this address. */
  originAnswered(address: string | undefined): void;
  /** Relaying failed; true when nothing listens at the origin (the down page), false for any other failure. */
  originFailed(error: Error, what: string): boolean;
}

/** What the visitor's incoming bytes are, now. */
enum Reading {
  Head,
  Body,
  /** A request is read and its answer not finished: bytes wait in the buffer, the socket paused. */
  Hold,
  /** The connection is closing: nothing more is read. */
  Ignore,
}

/** Where a request's body goes. */
type Sink = 'origin' | 'discard' | 'form';

/** One request, from its head to the end of its answer. */
interface Exchange {
  head: RequestHead;
  framing: Framing;
  keepAlive: boolean;
  upgrade: boolean;
  visit: Visit | null;
  release: (() => void) | null;
  sink: Sink;
  /** Bytes of a Content-Length body still to come. */
  remaining: number;
  decoder: ChunkedDecoder | null;
  form: Buffer[] | null;
  formBytes: number;
  bodyDone: boolean;
  answered: boolean;
  /** Set while relayed. */
  relay: Relay | null;
}

/** The response side of a relayed request. */
interface Relay {
  publicOrigin: PublicOrigin;
  /** The request head as written to the origin (kept for one retry on a stale keep-alive connection). */
  originHead: string;
  reused: boolean;
  retried: boolean;
  /** Any response byte came from the origin. */
  heard: boolean;
  buffer: Buffer | null;
  /** The visitor's response head is written. */
  started: boolean;
  framing: BodyFraming;
  remaining: number;
  decoder: ChunkedDecoder | null;
  /** Toward the visitor: chunks the gateway frames itself. */
  chunkedOut: boolean;
  originReusable: boolean;
  status: number;
  /** A script held to rewrite webpack-dev-server's client (dev-client.ts). */
  held: { head: ResponseHead; headers: HeaderList; chunks: Buffer[]; bytes: number } | null;
}

export class VisitorConnection implements ConnectionInfo {
  visitor: string | null = null;
  busy = 0;
  /** performance.now() past which the connection has waited too long (see Gateway's sweep). */
  deadline: number;
  private reading = Reading.Head;
  private buffer: Buffer | null = null;
  private exchange: Exchange | null = null;
  private origin: Socket | null = null;
  private originIdle = false;
  /** The origin connection answered once already (the gateway was told). */
  private originHeard = false;
  private ended = false;
  private closed = false;
  private processing = false;
  /** Pieces of a head that did not end in the first one (see onData); null when none is pending. */
  private headParts: Buffer[] | null = null;
  private headBytes = 0;
  private headTail: Buffer = Buffer.alloc(0);
  /** What send() gathers while one read from the origin is handled; null: writes go out at once. */
  private out: Buffer[] | null = null;
  private outBytes = 0;
  /** The peer's address, read once (each read is a system call). */
  private readonly peer: string | undefined;
  /** Waiting for the origin (or the visitor) to take more bytes: reading from the other side is paused. */
  private originDraining = false;
  private visitorDraining = false;

  constructor(
    readonly socket: Socket,
    private readonly host: RelayHost,
  ) {
    this.deadline = performance.now() + HEADERS_TIMEOUT_MS;
    this.peer = socket.remoteAddress;
    socket.on('data', this.onData);
    socket.on('end', () => {
      this.ended = true;
      // A body cut short will never end: nothing to wait for. Otherwise the answer due still goes out.
      const exchange = this.exchange;
      if (exchange === null) socket.end();
      else if (!exchange.bodyDone) {
        if (exchange.answered) this.closeWith(null);
        else socket.destroy();
      }
    });
    socket.on('error', () => socket.destroy());
    socket.once('close', () => this.onClose());
  }

  /** Too slow (Gateway's sweep): a head or body that does not come gets 408; an idle connection just closes. */
  timedOut(): void {
    const exchange = this.exchange;
    const waitingForVisitor =
      exchange === null
        ? this.reading === Reading.Head && this.buffer !== null
        : !exchange.bodyDone && !exchange.answered && exchange.relay?.started !== true;
    if (waitingForVisitor) this.closeWith({ status: 408, headers: {}, body: '' });
    else this.socket.destroy();
  }

  destroy(): void {
    this.socket.destroy();
  }

  // ── The visitor's side ─────────────────────────────────────────────────────────────────────────

  private readonly onData = (chunk: Buffer): void => {
    if (this.reading === Reading.Ignore) return;
    if (this.buffer === null) {
      if (this.reading === Reading.Head) this.deadline = performance.now() + HEADERS_TIMEOUT_MS;
      this.buffer = chunk;
    } else if (this.reading === Reading.Head && this.headParts !== null) {
      // A head arriving in pieces is joined once it can be whole: joining and searching it again
      // at every piece would cost the square of its length (a byte at a time: a slow loris for the CPU).
      const parts = this.headParts;
      parts.push(chunk);
      this.headBytes += chunk.length;
      // The last bytes so far and this piece: where an end of head can first appear.
      const seen = Buffer.concat([this.headTail, chunk]);
      this.headTail = seen.subarray(-3);
      if (seen.indexOf(CRLFCRLF) === -1 && this.headBytes <= MAX_HEADER_BYTES + 8) return;
      this.buffer = Buffer.concat([this.buffer, ...parts]);
      this.headParts = null;
    } else this.buffer = Buffer.concat([this.buffer, chunk]);
    this.process();
  };

  /** Reads what the buffer holds, as far as the current request allows. */
  private process(): void {
    // Answers given while reading may end a request and come back here: the loop below goes on.
    if (this.processing) return;
    this.processing = true;
    try {
      this.readAll();
    } finally {
      this.processing = false;
    }
  }

  private readAll(): void {
    while (this.buffer !== null && !this.closed) {
      if (this.reading === Reading.Head) {
        const parsed = parseRequestHead(this.buffer, MAX_HEADER_BYTES);
        if (parsed.kind === 'incomplete') {
          this.headParts = [];
          this.headBytes = this.buffer.length;
          this.headTail = this.buffer.subarray(-3);
          return;
        }
        this.headParts = null;
        if (parsed.kind === 'error') {
          this.closeWith({ status: parsed.status, headers: {}, body: '' });
          return;
        }
        this.buffer = parsed.consumed === this.buffer.length ? null : this.buffer.subarray(parsed.consumed);
        this.onHead(parsed.head);
      } else if (this.reading === Reading.Body) this.readBody();
      else {
        if (this.reading === Reading.Hold) this.socket.pause();
        return;
      }
    }
  }

  private onHead(head: RequestHead): void {
    const host = this.host;
    host.active();
    const { headers } = head;
    const visitor = visitorAddress(headers, this.peer);
    this.visitor = visitor;
    this.busy = 1;
    if (headers.host === undefined && head.version === '1.1') {
      this.closeWith({ status: 400, headers: {}, body: '' });
      return;
    }
    if (headers.host === undefined || !isAllowedHost(headers.host, host.publicHostname, host.port)) {
      this.closeWith({ status: 421, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'This address is not served here.\n' });
      return;
    }
    if (head.method === 'CONNECT') {
      this.closeWith({ status: 400, headers: {}, body: '' });
      return;
    }
    const upgrade = headers.upgrade !== undefined && tokens(headers.connection).includes('upgrade');
    const checked = checkFraming({ method: head.method, httpVersion: head.version, headers, rawHeaders: head.rawHeaders, upgrade });
    if (!checked.ok) {
      host.log.warn(`gateway ${host.originHost}: refused a request with ${checked.reason}`);
      this.closeWith({ status: 400, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: `Bad request: ${checked.reason}.\n` });
      return;
    }
    const framing = checked.framing;
    const exchange: Exchange = {
      head,
      framing,
      keepAlive: visitorKeepsAlive(head.version, headers) && !upgrade,
      upgrade,
      visit: null,
      release: null,
      sink: 'discard',
      remaining: framing.kind === 'length' ? framing.length : 0,
      decoder: framing.kind === 'chunked' ? new ChunkedDecoder() : null,
      form: null,
      formBytes: 0,
      bodyDone: framing.kind === 'none' || (framing.kind === 'length' && framing.length === 0),
      answered: false,
      relay: null,
    };
    this.exchange = exchange;
    this.deadline = exchange.bodyDone ? Number.POSITIVE_INFINITY : performance.now() + REQUEST_TIMEOUT_MS;
    if (!upgrade && isProbeRequest(head.target, host.probeToken)) {
      this.answerWith({
        status: 200,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
        body: probeAnswer(host.probeToken),
      });
      return;
    }
    const publicOrigin = publicOriginFor(headers.host, host.publicHostname);
    const { access } = host;
    if (!upgrade && access.password !== null && (head.target === SIGN_IN_PATH || head.target.startsWith(`${SIGN_IN_PATH}?`))) {
      this.signIn(exchange, publicOrigin);
      return;
    }
    const allowed: Access = access.check(headers.cookie, headers.authorization, visitor);
    exchange.visit = host.visits.start(head, this.peer, allowed.ok);
    if (!allowed.ok) {
      this.answerWith(upgrade ? access.upgradeRefusal(allowed) : access.challenge(head.method, head.target, headers.accept, allowed));
      return;
    }
    // Bytes wait (the socket paused) until the visitor has a free slot (limits.ts).
    this.reading = Reading.Hold;
    let started = false;
    exchange.release = host.slots.acquire(visitor, () => {
      started = true;
      if (this.exchange === exchange && !this.closed) this.relay(exchange, publicOrigin, allowed.via === 'basic');
    });
    if (!started) this.socket.pause();
  }

  /** The sign-in form: its page, or its POST read here (never relayed). */
  private signIn(exchange: Exchange, publicOrigin: PublicOrigin): void {
    const { head } = exchange;
    exchange.visit = this.host.visits.start(head, this.peer, false);
    if (head.method !== 'POST') {
      this.answerWith(this.host.access.signInForm());
      return;
    }
    const from = head.headers.origin;
    if (from !== undefined && from !== serialise(publicOrigin)) {
      this.answerWith(ShareAccess.foreignSignIn());
      return;
    }
    exchange.sink = 'form';
    exchange.form = [];
    this.afterHead(exchange);
  }

  /** After the head: the body (if any) is read next, else the request waits for its answer. */
  private afterHead(exchange: Exchange): void {
    if (exchange.bodyDone) this.bodyEnded(exchange);
    else {
      this.reading = Reading.Body;
      this.socket.resume();
      if (this.buffer !== null) this.process();
    }
  }

  private readBody(): void {
    const exchange = this.exchange!;
    const buffer = this.buffer!;
    let used: number;
    if (exchange.decoder !== null) {
      const origin = exchange.sink === 'origin' ? this.origin : null;
      origin?.cork();
      used = exchange.decoder.feed(buffer, 0, this.bodyData);
      origin?.uncork();
      if (this.reading !== Reading.Body) return;
      if (used === -1) {
        this.bodyBroken(exchange, exchange.decoder.error ?? 'a malformed chunked body');
        return;
      }
      if (exchange.decoder.done) exchange.bodyDone = true;
    } else {
      used = Math.min(exchange.remaining, buffer.length);
      this.bodyData(used === buffer.length ? buffer : buffer.subarray(0, used));
      if (this.reading !== Reading.Body) return;
      exchange.remaining -= used;
      if (exchange.remaining === 0) exchange.bodyDone = true;
    }
    this.buffer = used === buffer.length ? null : buffer.subarray(used);
    if (exchange.bodyDone) this.bodyEnded(exchange);
  }

  /** One piece of a request body, by where it goes. */
  private readonly bodyData = (data: Buffer): void => {
    const exchange = this.exchange!;
    if (exchange.sink === 'origin') {
      const origin = this.origin;
      if (origin === null) return;
      if (exchange.decoder !== null) for (const part of frameChunk(data)) origin.write(part);
      else origin.write(data);
      if (origin.writableNeedDrain && !this.originDraining) {
        this.originDraining = true;
        this.socket.pause();
        origin.once('drain', () => {
          this.originDraining = false;
          if (this.reading === Reading.Body) this.socket.resume();
        });
      }
    } else if (exchange.sink === 'form') {
      exchange.formBytes += data.length;
      // Answered at once: a form never comes near this, and the rest is not worth reading.
      if (exchange.formBytes > MAX_FORM_BYTES) this.answerWith(ShareAccess.formTooLarge());
      else exchange.form!.push(data);
    }
  };

  private bodyEnded(exchange: Exchange): void {
    exchange.bodyDone = true;
    this.deadline = Number.POSITIVE_INFINITY;
    if (exchange.sink === 'origin' && exchange.decoder !== null) this.origin?.write(LAST_CHUNK);
    if (exchange.sink === 'form') {
      this.answerWith(this.host.access.signIn(Buffer.concat(exchange.form!).toString('utf8'), this.visitor ?? '?'));
      return;
    }
    if (exchange.answered) this.endExchange(exchange);
    else this.reading = Reading.Hold;
  }

  /** A chunked body that broke its framing: nothing after it can be trusted. */
  private bodyBroken(exchange: Exchange, reason: string): void {
    this.host.log.warn(`gateway ${this.host.originHost}: refused a request body with ${reason}`);
    this.dropOrigin();
    if (exchange.relay?.started === true || exchange.answered) this.socket.destroy();
    else {
      this.recordVisit(exchange, 400);
      this.closeWith({ status: 400, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: `Bad request: ${reason}.\n` });
    }
  }

  /** An answer of the gateway's own to the current request; its body (if any) is still read, unless the connection closes. */
  private answerWith(reply: Answer): void {
    const exchange = this.exchange!;
    // A client waiting for 100 Continue may never send the body it announced: reading on would
    // take its next request for that body (RFC 9110 §10.1.1 allows closing instead).
    const waitingToSend = !exchange.bodyDone && exchange.head.headers.expect !== undefined;
    if (reply.close === true || !exchange.keepAlive || waitingToSend) {
      this.recordVisit(exchange, reply.status);
      this.closeWith(reply);
      return;
    }
    this.send(answer(reply.status, reply.headers, reply.body, { close: false, head: exchange.head.method === 'HEAD' }));
    exchange.answered = true;
    this.recordVisit(exchange, reply.status);
    exchange.sink = 'discard';
    if (exchange.bodyDone) this.endExchange(exchange);
    else this.afterHead(exchange);
  }

  /** Answers (when nothing was answered yet) and closes: nothing more is read. */
  private closeWith(reply: Answer | null): void {
    this.flush();
    this.reading = Reading.Ignore;
    this.buffer = null;
    const exchange = this.exchange;
    const head = exchange?.head.method === 'HEAD';
    if (reply !== null && exchange?.relay?.started !== true && exchange?.answered !== true && !this.socket.destroyed)
      this.socket.end(answer(reply.status, reply.headers, reply.body, { close: true, head }));
    else this.socket.end();
    if (exchange !== null) {
      exchange.answered = true;
      this.releaseSlot(exchange);
    }
    this.dropOrigin();
  }

  /** The request is over both ways: the next one may be read. */
  private endExchange(exchange: Exchange): void {
    this.releaseSlot(exchange);
    this.exchange = null;
    this.busy = 0;
    if (!exchange.keepAlive || this.ended) {
      this.closeWith(null);
      return;
    }
    this.reading = Reading.Head;
    this.deadline = performance.now() + KEEP_ALIVE_MS;
    if (this.buffer !== null) this.process();
    if (this.reading === Reading.Head) this.socket.resume();
  }

  private releaseSlot(exchange: Exchange): void {
    const release = exchange.release;
    exchange.release = null;
    release?.();
  }

  private recordVisit(exchange: Exchange, status: number): void {
    if (exchange.visit !== null) this.host.visits.record(exchange.visit, status);
  }

  private onClose(): void {
    this.closed = true;
    this.reading = Reading.Ignore;
    this.buffer = null;
    const exchange = this.exchange;
    if (exchange !== null) {
      this.releaseSlot(exchange);
      const held = exchange.relay?.held;
      if (held != null) {
        this.host.scripts.give(held.bytes);
        exchange.relay!.held = null;
      }
      this.recordVisit(exchange, exchange.relay?.started === true ? exchange.relay.status : 0);
    }
    this.dropOrigin();
  }

  // ── The origin's side ──────────────────────────────────────────────────────────────────────────

  private relay(exchange: Exchange, publicOrigin: PublicOrigin, consumeAuthorization: boolean): void {
    const { head } = exchange;
    const host = this.host;
    const headers = forwardedRequestHeaders(head.headers, {
      originHost: host.originHost,
      origin: host.originUrl,
      keepPublicHost: host.keepPublicHost,
      consumeAuthorization,
      upgrade: exchange.upgrade,
      publicOrigin,
      visitorAddress: clientAddress(head.headers, this.peer),
      framing: exchange.upgrade ? null : outgoingFraming(head.method, exchange.framing),
      cookie: withoutShareCookie(head.headers.cookie),
    });
    let text = `${head.method} ${head.target} HTTP/1.1\r\n`;
    for (const name in headers) {
      const value = headers[name];
      if (Array.isArray(value)) for (const one of value) text += `${name}: ${one}\r\n`;
      else if (value !== undefined) text += `${name}: ${value}\r\n`;
    }
    text += '\r\n';
    exchange.sink = 'origin';
    exchange.relay = {
      publicOrigin,
      originHead: text,
      reused: false,
      retried: false,
      heard: false,
      buffer: null,
      started: false,
      framing: { kind: 'none' },
      remaining: 0,
      decoder: null,
      chunkedOut: false,
      originReusable: true,
      status: 0,
      held: null,
    };
    this.sendHead(exchange.relay);
    this.afterHead(exchange);
  }

  /** Writes the request head to the origin: on the connection kept from the last request, or a new one. */
  private sendHead(relay: Relay): void {
    let origin = this.origin;
    relay.reused = origin !== null && this.originIdle;
    if (origin === null || !this.originIdle) {
      this.dropOrigin();
      origin = this.host.dial();
      this.attachOrigin(origin);
    }
    this.originIdle = false;
    origin.write(relay.originHead, 'latin1');
  }

  private attachOrigin(origin: Socket): void {
    this.origin = origin;
    this.originHeard = false;
    let failure: Error | null = null;
    origin.on('data', (chunk: Buffer) => {
      if (this.origin === origin) this.onOriginData(chunk);
    });
    origin.on('error', (error) => {
      failure = error;
    });
    origin.on('end', () => {
      if (this.origin === origin) this.onOriginEnd();
      origin.destroy();
    });
    origin.once('close', () => {
      if (this.origin !== origin) return;
      this.origin = null;
      this.originIdle = false;
      this.originBroke(failure ?? Object.assign(new Error('the local server closed the connection'), { code: 'ECONNRESET' }));
    });
  }

  private dropOrigin(): void {
    const origin = this.origin;
    this.origin = null;
    this.originIdle = false;
    origin?.destroy();
  }

  private onOriginData(chunk: Buffer): void {
    const exchange = this.exchange;
    const relay = exchange?.relay;
    if (exchange == null || relay == null || exchange.answered) {
      // Bytes nobody asked for: the connection is out of step, never reused.
      this.dropOrigin();
      return;
    }
    relay.heard = true;
    // Whatever this read makes the gateway write (a head, chunk framing, the body) goes out in one write.
    this.out = [];
    this.outBytes = 0;
    if (!relay.started && relay.held === null) {
      relay.buffer = relay.buffer === null ? chunk : Buffer.concat([relay.buffer, chunk]);
      this.readResponseHead(exchange, relay);
    } else this.readResponseBody(exchange, relay, chunk, 0);
    this.flush();
  }

  /** Bytes for the visitor: gathered while one read from the origin is handled (see flush), else written at once. */
  private send(data: Buffer): void {
    if (this.out === null) this.socket.write(data);
    else {
      this.out.push(data);
      this.outBytes += data.length;
    }
  }

  /**
   * Writes what send() gathered: small pieces as one buffer (a head and a small body in one
   * system call, without the stream's writev path), large ones as they are; then waits for the
   * visitor to take them before reading more from the origin.
   */
  private flush(): void {
    const out = this.out;
    this.out = null;
    if (out === null || out.length === 0) return;
    const socket = this.socket;
    if (out.length === 1) socket.write(out[0]!);
    else if (this.outBytes <= 64 * 1024) socket.write(Buffer.concat(out, this.outBytes));
    else {
      socket.cork();
      for (const piece of out) socket.write(piece);
      socket.uncork();
    }
    if (socket.writableNeedDrain && !this.visitorDraining && this.origin !== null) {
      const origin = this.origin;
      this.visitorDraining = true;
      origin.pause();
      socket.once('drain', () => {
        this.visitorDraining = false;
        origin.resume();
      });
    }
  }

  private readResponseHead(exchange: Exchange, relay: Relay): void {
    for (;;) {
      const buffer = relay.buffer!;
      const parsed = parseResponseHead(buffer, MAX_RESPONSE_HEAD_BYTES);
      if (parsed.kind === 'incomplete') return;
      if (parsed.kind === 'error') {
        this.originProtocolError(exchange, parsed.reason);
        return;
      }
      const rest = parsed.consumed === buffer.length ? null : buffer.subarray(parsed.consumed);
      relay.buffer = rest;
      const head = parsed.head;
      if (!this.originHeard) {
        // Once per connection: the address is a system call away.
        this.originHeard = true;
        this.host.originAnswered(this.origin?.remoteAddress);
      }
      if (head.status === 101) {
        if (exchange.upgrade) this.upgrade(exchange, relay, head, rest);
        else this.originProtocolError(exchange, 'a 101 to a request that asked for no upgrade');
        return;
      }
      if (head.status < 200) {
        // 100 Continue, 103 Early Hints: passed on to a client that can read them.
        if (exchange.head.version === '1.1')
          this.send(
            Buffer.from(
              responseHead(
                head.status,
                head.reason,
                visitorResponseHeaders(head, this.host.originUrl, serialise(relay.publicOrigin)),
                false,
              ),
              'latin1',
            ),
          );
        if (rest === null) return;
        continue;
      }
      relay.buffer = null;
      this.startResponse(exchange, relay, head, rest !== null);
      // A response without a body that came with bytes after it: they are no answer to anything
      // (the connection was already dropped, see startResponse), never the next request's.
      if (rest !== null && !exchange.answered && this.exchange === exchange) this.readResponseBody(exchange, relay, rest, 0);
      return;
    }
  }

  private startResponse(exchange: Exchange, relay: Relay, head: ResponseHead, more: boolean): void {
    const method = exchange.head.method;
    const framed = responseFraming(method, head.status, head.headers, head.rawHeaders);
    if (!framed.ok) {
      this.originProtocolError(exchange, framed.reason);
      return;
    }
    const framing = framed.framing;
    relay.framing = framing;
    relay.status = head.status;
    relay.remaining = framing.kind === 'length' ? framing.length : 0;
    relay.decoder = framing.kind === 'chunked' ? new ChunkedDecoder() : null;
    // After a HEAD, a server that wrongly sends the body too may send it in a later read, where it
    // would pass for the next request's answer: that connection is not reused.
    const bodiless = framing.kind === 'none' || (framing.kind === 'length' && framing.length === 0);
    relay.originReusable =
      framing.kind !== 'close' && method !== 'HEAD' && originKeepsAlive(head.version, head.headers) && !(bodiless && more);
    const headers = visitorResponseHeaders(head, this.host.originUrl, serialise(relay.publicOrigin));
    if (framing.kind === 'close' || framing.kind === 'chunked') {
      // Re-framed toward the visitor: chunked for HTTP/1.1, to the close for HTTP/1.0.
      if (exchange.head.version === '1.1') {
        relay.chunkedOut = true;
        headers.push(['Transfer-Encoding', 'chunked']);
      } else exchange.keepAlive = false;
    }
    if (mayCarryDevClient(method, head.status, head.headers) && framing.kind !== 'none') {
      relay.held = { head, headers, chunks: [], bytes: 0 };
      if (relay.remaining === 0 && framing.kind === 'length') this.responseEnded(exchange, relay);
      return;
    }
    this.writeResponseHead(exchange, relay, head, headers);
    if (framing.kind === 'none' || (framing.kind === 'length' && relay.remaining === 0)) this.responseEnded(exchange, relay);
  }

  private writeResponseHead(exchange: Exchange, relay: Relay, head: ResponseHead, headers: HeaderList): void {
    relay.started = true;
    if (exchange.visit !== null) exchange.visit.responseHeaders = inspectorPairs(headers);
    this.send(Buffer.from(responseHead(head.status, head.reason, headers, !exchange.keepAlive), 'latin1'));
  }

  private readResponseBody(exchange: Exchange, relay: Relay, chunk: Buffer, start: number): void {
    switch (relay.framing.kind) {
      case 'length': {
        const take = Math.min(relay.remaining, chunk.length - start);
        if (take > 0)
          this.responseData(exchange, relay, start === 0 && take === chunk.length ? chunk : chunk.subarray(start, start + take));
        relay.remaining -= take;
        if (start + take < chunk.length) relay.originReusable = false;
        if (relay.remaining === 0) this.responseEnded(exchange, relay);
        return;
      }
      case 'chunked': {
        const decoder = relay.decoder!;
        const used = decoder.feed(chunk, start, (data) => this.responseData(exchange, relay, data));
        if (used === -1) {
          this.originProtocolError(exchange, decoder.error ?? 'a malformed chunked body');
          return;
        }
        if (decoder.done) {
          if (used < chunk.length) relay.originReusable = false;
          this.responseEnded(exchange, relay);
        }
        return;
      }
      case 'close':
        this.responseData(exchange, relay, start === 0 ? chunk : chunk.subarray(start));
        return;
      case 'none':
        relay.originReusable = false;
        return;
    }
  }

  /** A piece of the response body toward the visitor (or into a held script). */
  private responseData(exchange: Exchange, relay: Relay, data: Buffer): void {
    const held = relay.held;
    if (held !== null) {
      if (held.bytes + data.length <= MAX_SCRIPT_BYTES && this.host.scripts.take(data.length)) {
        // A copy: the slice would keep the origin's whole read buffer alive, past what the budget counts.
        held.chunks.push(Buffer.from(data));
        held.bytes += data.length;
        return;
      }
      // Too large, or the share holds too much already: the script streams through as it came.
      this.releaseHeld(exchange, relay, false);
    }
    if (relay.chunkedOut) for (const part of frameChunk(data)) this.send(part);
    else this.send(data);
  }

  /** Writes a held script's head and what was held; `rewrite` at its end, when the whole body is here. */
  private releaseHeld(exchange: Exchange, relay: Relay, rewrite: boolean): void {
    const held = relay.held!;
    relay.held = null;
    this.host.scripts.give(held.bytes);
    if (rewrite) {
      const body = Buffer.concat(held.chunks);
      const encoding = held.head.headers['content-encoding'];
      const rewritten = rewriteDevClientBody(body, typeof encoding === 'string' ? encoding : undefined);
      if (rewritten !== null) {
        const headers = held.headers.filter(([name]) => {
          const lower = name.toLowerCase();
          return lower !== 'content-encoding' && lower !== 'content-length' && lower !== 'transfer-encoding';
        });
        headers.push(['Content-Length', String(rewritten.length)]);
        relay.chunkedOut = false;
        this.writeResponseHead(exchange, relay, held.head, headers);
        this.send(rewritten);
        return;
      }
    }
    this.writeResponseHead(exchange, relay, held.head, held.headers);
    for (const chunk of held.chunks) this.responseData(exchange, relay, chunk);
  }

  private responseEnded(exchange: Exchange, relay: Relay): void {
    if (relay.held !== null) this.releaseHeld(exchange, relay, true);
    if (relay.chunkedOut) this.send(LAST_CHUNK);
    exchange.answered = true;
    this.recordVisit(exchange, relay.status);
    if (relay.originReusable && exchange.bodyDone && this.origin !== null) this.originIdle = true;
    else this.dropOrigin();
    if (exchange.bodyDone) this.endExchange(exchange);
    else {
      // The origin answered before the body was all here: the rest is not worth reading.
      this.closeWith(null);
    }
  }

  private onOriginEnd(): void {
    const relay = this.exchange?.relay;
    if (relay == null || this.exchange!.answered) return;
    if (relay.started || relay.held !== null) {
      if (relay.framing.kind === 'close') {
        relay.originReusable = false;
        this.responseEnded(this.exchange!, relay);
      }
    }
  }

  /** The origin's connection closed (or failed) while an answer was due. */
  private originBroke(error: Error): void {
    const exchange = this.exchange;
    const relay = exchange?.relay;
    if (exchange == null || relay == null || exchange.answered) return;
    if (!relay.started && relay.held === null && !relay.heard && relay.reused && !relay.retried && exchange.framing.kind === 'none') {
      // A kept-alive connection the origin closed just as the request went out: once more on a new one.
      relay.retried = true;
      this.sendHead(relay);
      return;
    }
    if (relay.held !== null) {
      this.host.scripts.give(relay.held.bytes);
      relay.held = null;
    }
    const unreachable = this.host.originFailed(error, `${exchange.head.method} ${exchange.head.target}`);
    if (relay.started) {
      // Cut mid-answer: the visitor's response ends too, rather than hang.
      this.socket.destroy();
      return;
    }
    this.recordVisit(exchange, 502);
    this.answerOriginError(unreachable);
  }

  private originProtocolError(exchange: Exchange, reason: string): void {
    const relay = exchange.relay!;
    this.dropOrigin();
    this.host.originFailed(
      Object.assign(new Error(`the local server sent ${reason}`), { code: 'EPROTO' }),
      `${exchange.head.method} ${exchange.head.target}`,
    );
    if (relay.started) {
      this.socket.destroy();
      return;
    }
    if (relay.held !== null) {
      this.host.scripts.give(relay.held.bytes);
      relay.held = null;
    }
    this.recordVisit(exchange, 502);
    this.answerOriginError(false);
  }

  private answerOriginError(unreachable: boolean): void {
    const headers: Record<string, string> = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' };
    if (unreachable) headers['retry-after'] = String(ORIGIN_DOWN_RETRY_SECONDS);
    const exchange = this.exchange!;
    exchange.relay = null;
    this.answerWith({ status: 502, headers, body: unreachable ? ORIGIN_DOWN_PAGE : ORIGIN_ERROR_PAGE, close: exchange.upgrade });
  }

  /** 101 Switching Protocols: from here on, bytes both ways as they are. */
  private upgrade(exchange: Exchange, relay: Relay, head: ResponseHead, rest: Buffer | null): void {
    const origin = this.origin!;
    const socket = this.socket;
    this.reading = Reading.Ignore;
    this.deadline = Number.POSITIVE_INFINITY;
    relay.started = true;
    relay.status = 101;
    exchange.answered = true;
    // The origin's own head, as it sent it: Connection and Upgrade belong to the handshake here.
    let text = `HTTP/1.1 101 ${head.reason || 'Switching Protocols'}\r\n`;
    for (let i = 0; i + 1 < head.rawHeaders.length; i += 2) text += `${head.rawHeaders[i]}: ${head.rawHeaders[i + 1]}\r\n`;
    if (exchange.visit !== null) exchange.visit.responseHeaders = inspectorHeaders(head.rawHeaders);
    this.recordVisit(exchange, 101);
    this.flush();
    socket.write(`${text}\r\n`, 'latin1');
    if (rest !== null) socket.write(rest);
    const pending = this.buffer;
    this.buffer = null;
    if (pending !== null) origin.write(pending);
    socket.off('data', this.onData);
    origin.removeAllListeners('data');
    origin.removeAllListeners('end');
    origin.on('error', () => socket.destroy());
    origin.once('close', () => socket.destroy());
    socket.once('close', () => origin.destroy());
    socket.pipe(origin);
    origin.pipe(socket);
    socket.resume();
  }
}
