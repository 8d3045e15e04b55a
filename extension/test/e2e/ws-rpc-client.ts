/**
 * Commands over a browser's own WebSocket, matched to replies by id with a timeout each, and events
 * to listeners; every pending command fails with the reason when the connection goes. The two
 * protocols that use it, CDP and WebDriver BiDi, differ only in how a message is spelled: each
 * supplies a `WireFormat`.
 */
import WebSocket from 'ws';

export type Decoded =
  | { kind: 'reply'; id: number; result: unknown }
  | { kind: 'error'; id: number | null; error: (method: string) => Error }
  | { kind: 'event'; method: string; params: unknown; sessionId?: string };

export interface WireFormat {
  /** The protocol's name, for messages. */
  name: string;
  encode(id: number, method: string, params: object, sessionId?: string): object;
  decode(message: unknown): Decoded;
}

interface Waiting {
  method: string;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class WsRpcClient {
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();
  private readonly listeners = new Map<string, Set<(params: unknown, sessionId: string | undefined) => void>>();
  private closedReason: string | null = null;

  protected constructor(
    private readonly socket: WebSocket,
    private readonly wire: WireFormat,
  ) {
    socket.on('message', (data: Buffer) => this.receive(wire.decode(JSON.parse(data.toString('utf8')))));
    socket.on('close', () => this.fail(`the ${wire.name} connection closed`));
    socket.on('error', (error: Error) => this.fail(`the ${wire.name} connection failed: ${error.message}`));
  }

  protected static open(url: string, options: WebSocket.ClientOptions = {}): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, options);
      socket.once('open', () => resolve(socket));
      socket.once('error', reject);
    });
  }

  protected request<T>(method: string, params: object, sessionId: string | undefined, timeoutMs: number): Promise<T> {
    if (this.closedReason !== null) return Promise.reject(new Error(`${method}: ${this.closedReason}`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`${method}: no reply within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, { method, resolve: resolve as (result: unknown) => void, reject, timer });
      this.socket.send(JSON.stringify(this.wire.encode(id, method, params, sessionId)));
    });
  }

  on(event: string, listener: (params: unknown, sessionId: string | undefined) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener);
    this.listeners.set(event, set);
    return () => set.delete(listener);
  }

  close(): void {
    this.socket.close();
  }

  private receive(message: Decoded): void {
    if (message.kind === 'event') {
      for (const listener of [...(this.listeners.get(message.method) ?? [])]) listener(message.params, message.sessionId);
      return;
    }
    const entry = message.id === null ? undefined : this.waiting.get(message.id);
    if (entry === undefined || message.id === null) return;
    this.waiting.delete(message.id);
    clearTimeout(entry.timer);
    if (message.kind === 'reply') entry.resolve(message.result);
    else entry.reject(message.error(entry.method));
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
