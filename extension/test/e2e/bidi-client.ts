/**
 * A minimal WebDriver BiDi client (https://w3c.github.io/webdriver-bidi/): commands matched to
 * replies by id, a timeout per command, events to listeners. Enough to drive Firefox's Remote
 * Agent; it knows nothing of Firefox itself (see firefox-harness.ts).
 */
import { type WireFormat, WsRpcClient } from './ws-rpc-client';

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

const BIDI: WireFormat = {
  name: 'BiDi',
  encode: (id, method, params) => ({ id, method, params }),
  decode(raw) {
    const message = raw as Incoming;
    switch (message.type) {
      case 'event':
        return { kind: 'event', method: message.method, params: message.params };
      case 'success':
        return { kind: 'reply', id: message.id, result: message.result };
      case 'error':
        return { kind: 'error', id: message.id, error: (method) => new BidiError(method, message.error, message.message) };
    }
  },
};

export class BidiClient extends WsRpcClient {
  /** `url` is the WebSocket address of a BiDi session endpoint, e.g. `ws://127.0.0.1:PORT/session`. */
  static async connect(url: string): Promise<BidiClient> {
    return new BidiClient(await WsRpcClient.open(url), BIDI);
  }

  send<T = unknown>(method: string, params: object = {}, timeoutMs = 15_000): Promise<T> {
    return this.request<T>(method, params, undefined, timeoutMs);
  }
}
