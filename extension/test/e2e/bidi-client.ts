/**
 * A minimal WebDriver BiDi client (https://w3c.github.io/webdriver-bidi/): commands matched to
 * replies by id, a timeout per command, events to listeners. Enough to drive Firefox's Remote
 * Agent; it knows nothing of Firefox itself (see firefox-harness.ts).
 */
import WebSocket from 'ws';

interface Waiting {
  method: string;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

type Incoming =
  | { type: 'success'; id: number; result: unknown }
  | { type: 'error'; id: number | null; error: string; message: string }
  | { type: 'event'; method: string; params: unknown };

export class BidiError extends Error {
  override readonly name = 'BidiError';
  constructor(
    readonly method: string,
    readonly error: string,
    message: string,
  ) {
    super(`${method}: ${error}: ${message}`);
  }
}

export class BidiClient {
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();
  private readonly listeners = new Map<string, Set<(params: unknown) => void>>();
  private closedReason: string | null = null;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => this.receive(JSON.parse(data.toString('utf8')) as Incoming));
    socket.on('close', () => this.fail('the BiDi connection closed'));
    socket.on('error', (error: Error) => this.fail(`the BiDi connection failed: ${error.message}`));
  }

  /** `url` is the WebSocket address of a BiDi session endpoint, e.g. `ws://127.0.0.1:PORT/session`. */
  static connect(url: string): Promise<BidiClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.once('open', () => resolve(new BidiClient(socket)));
      socket.once('error', reject);
    });
  }

  send<T = unknown>(method: string, params: object = {}, timeoutMs = 15_000): Promise<T> {
    if (this.closedReason !== null) return Promise.reject(new Error(`${method}: ${this.closedReason}`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`${method}: no reply within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, { method, resolve: resolve as (result: unknown) => void, reject, timer });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  on(event: string, listener: (params: unknown) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener);
    this.listeners.set(event, set);
    return () => set.delete(listener);
  }

  close(): void {
    this.socket.close();
  }

  private receive(message: Incoming): void {
    if (message.type === 'event') {
      for (const listener of [...(this.listeners.get(message.method) ?? [])]) listener(message.params);
      return;
    }
    const entry = message.id === null ? undefined : this.waiting.get(message.id);
    if (!entry || message.id === null) return;
    this.waiting.delete(message.id);
    clearTimeout(entry.timer);
    if (message.type === 'success') entry.resolve(message.result);
    else entry.reject(new BidiError(entry.method, message.error, message.message));
  }

  private fail(reason: string): void {
    this.closedReason ??= reason;
    for (const [id, entry] of this.waiting) {
      clearTimeout(entry.timer);
      this.waiting.delete(id);
      entry.reject(new Error(`${entry.method}: ${reason}`));
    }
  }
}
