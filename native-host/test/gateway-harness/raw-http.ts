/**
 * Raw HTTP/1.1 on both sides of the gateway, for tests that must see exactly what crossed the wire:
 * a response reader that frames responses itself (by length, chunked, or to the close), and a
 * counting origin that records every request Node's own parser found on its sockets.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Reads responses off one socket, in order; `next()` waits for the next complete one. */
export class ResponseReader {
  private buffer = Buffer.alloc(0);
  private ended = false;
  private wake: (() => void) | null = null;

  constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake?.();
    });
    const end = (): void => {
      this.ended = true;
      this.wake?.();
    };
    socket.on('end', end);
    socket.on('close', end);
    socket.on('error', end);
  }

  get closed(): boolean {
    return this.ended;
  }

  /** Waits until the server closes the connection (true) or `ms` pass (false). */
  async waitForClose(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!this.ended) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await this.waitForData(left);
    }
    return true;
  }

  /** The next response; null when the connection closed before one came. `head`: a HEAD request's answer (no body). */
  async next(ms = 5000, head = false): Promise<RawResponse | null> {
    const deadline = Date.now() + ms;
    for (;;) {
      const parsed = this.tryParse(head);
      if (parsed !== undefined) return parsed;
      if (this.ended) return null;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`no complete response within ${ms} ms; got ${JSON.stringify(this.buffer.toString('latin1').slice(0, 300))}`);
      await this.waitForData(left);
    }
  }

  private waitForData(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done(): void {
        clearTimeout(timer);
        self.wake = null;
        resolve();
      }
      this.wake = done;
    });
  }

  /** undefined: not complete yet; null: closed mid-way. */
  private tryParse(head: boolean): RawResponse | null | undefined {
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end === -1) return undefined;
    const lines = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
    }
    let rest = this.buffer.subarray(end + 4);
    const done = (body: Buffer, consumed: number): RawResponse => {
      this.buffer = rest.subarray(consumed);
      return { status, headers, body: body.toString('utf8') };
    };
    if (head || status === 204 || status === 304 || (status >= 100 && status < 200)) return done(Buffer.alloc(0), 0);
    if (headers['transfer-encoding'] !== undefined) {
      const chunks: Buffer[] = [];
      let at = 0;
      for (;;) {
        const lineEnd = rest.indexOf('\r\n', at);
        if (lineEnd === -1) return this.ended ? null : undefined;
        const size = parseInt(rest.subarray(at, lineEnd).toString('latin1'), 16);
        if (rest.length < lineEnd + 2 + size + 2) return this.ended ? null : undefined;
        if (size === 0) {
          const trailerEnd = rest.indexOf('\r\n', lineEnd + 2);
          if (trailerEnd === -1) return this.ended ? null : undefined;
          return done(Buffer.concat(chunks), trailerEnd + 2);
        }
        chunks.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
        at = lineEnd + 2 + size + 2;
      }
    }
    if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      if (rest.length < length) return this.ended ? null : undefined;
      return done(rest.subarray(0, length), length);
    }
    // Framed by the close.
    if (!this.ended) return undefined;
    rest = Buffer.from(rest);
    return done(rest, rest.length);
  }
}

/** Sends raw bytes on a new connection and reads the first response. */
export async function exchange(
  socket: Socket,
  bytes: string | Buffer,
  ms = 5000,
): Promise<{ response: RawResponse | null; reader: ResponseReader }> {
  const reader = new ResponseReader(socket);
  socket.write(bytes);
  return { response: await reader.next(ms), reader };
}

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: string;
}

/**
 * A local server that records every request its parser found, bodies included, and every parse
 * error (a request the gateway framed so badly that the origin could not read it).
 */
export class CountingOrigin {
  readonly seen: SeenRequest[] = [];
  /** Requests the server could not parse: bytes it read as HTTP that were not. */
  parseErrors = 0;
  /** Connections closed mid-request. */
  aborted = 0;
  connections = 0;

  private constructor(
    readonly server: Server,
    readonly port: number,
  ) {}

  static async start(
    handler?: (seen: SeenRequest, respond: (status: number, body: string, headers?: Record<string, string>) => void) => void,
  ): Promise<CountingOrigin> {
    const server = createServer({ keepAliveTimeout: 60_000 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = new CountingOrigin(server, (server.address() as AddressInfo).port);
    server.on('connection', () => origin.connections++);
    server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
      // A connection closed in the middle of a request (the gateway dropping an origin request
      // whose visitor went away) is not a misframed one: nothing more is read from it.
      if (error.code === 'HPE_INVALID_EOF_STATE' || error.code === 'ECONNRESET') origin.aborted++;
      else origin.parseErrors++;
      socket.destroy();
    });
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const seen: SeenRequest = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          rawHeaders: req.rawHeaders,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        origin.seen.push(seen);
        const respond = (status: number, body: string, headers: Record<string, string> = {}): void => {
          res.writeHead(status, { 'content-type': 'text/plain', 'content-length': String(Buffer.byteLength(body)), ...headers }).end(body);
        };
        if (handler !== undefined) handler(seen, respond);
        else respond(200, `seen ${req.method} ${req.url} body=${seen.body.length}`);
      });
    });
    return origin;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  close(): void {
    this.server.closeAllConnections();
    this.server.close();
  }
}

export function basic(password: string, user = 'visitor'): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
