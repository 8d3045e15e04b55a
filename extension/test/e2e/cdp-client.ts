/**
 * A minimal Chrome DevTools Protocol client on the browser's own WebSocket: commands (optionally to
 * an attached target's flat session) matched to replies by id, events to listeners. Used where
 * Playwright must not be: Playwright attaches to every service worker, and an attached DevTools
 * session keeps a service worker from ever going idle.
 */
import WebSocket from 'ws';

interface Waiting {
  method: string;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

type Incoming =
  | { id: number; result?: unknown; error?: { code: number; message: string } }
  | { method: string; params: unknown; sessionId?: string };

export class CdpClient {
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();
  private readonly listeners = new Map<string, Set<(params: unknown, sessionId: string | undefined) => void>>();
  private closedReason: string | null = null;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => this.receive(JSON.parse(data.toString('utf8')) as Incoming));
    socket.on('close', () => this.fail('the CDP connection closed'));
    socket.on('error', (error: Error) => this.fail(`the CDP connection failed: ${error.message}`));
  }

  static connect(url: string): Promise<CdpClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { perMessageDeflate: false });
      socket.once('open', () => resolve(new CdpClient(socket)));
      socket.once('error', reject);
    });
  }

  send<T = unknown>(method: string, params: object = {}, sessionId?: string, timeoutMs = 15_000): Promise<T> {
    if (this.closedReason !== null) return Promise.reject(new Error(`${method}: ${this.closedReason}`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`${method}: no reply within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, { method, resolve: resolve as (result: unknown) => void, reject, timer });
      this.socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
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

  private receive(message: Incoming): void {
    if ('method' in message) {
      for (const listener of [...(this.listeners.get(message.method) ?? [])]) listener(message.params, message.sessionId);
      return;
    }
    const entry = this.waiting.get(message.id);
    if (!entry) return;
    this.waiting.delete(message.id);
    clearTimeout(entry.timer);
    if (message.error) entry.reject(new Error(`${entry.method}: ${message.error.message}`));
    else entry.resolve(message.result);
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
