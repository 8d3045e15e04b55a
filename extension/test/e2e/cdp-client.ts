/**
 * A minimal Chrome DevTools Protocol client on the browser's own WebSocket: commands (optionally to
 * an attached target's flat session) matched to replies by id, events to listeners. Used where
 * Playwright must not be: Playwright attaches to every service worker, and an attached DevTools
 * session keeps a service worker from ever going idle.
 */
import { type WireFormat, WsRpcClient } from './ws-rpc-client';

type Incoming =
  | { id: number; result?: unknown; error?: { code: number; message: string } }
  | { method: string; params: unknown; sessionId?: string };

const CDP: WireFormat = {
  name: 'CDP',
  encode: (id, method, params, sessionId) => ({ id, method, params, ...(sessionId ? { sessionId } : {}) }),
  decode(raw) {
    const message = raw as Incoming;
    if ('method' in message) return { kind: 'event', method: message.method, params: message.params, sessionId: message.sessionId };
    const { error } = message;
    return error
      ? { kind: 'error', id: message.id, error: (method) => new Error(`${method}: ${error.message}`) }
      : { kind: 'reply', id: message.id, result: message.result };
  },
};

export class CdpClient extends WsRpcClient {
  static async connect(url: string): Promise<CdpClient> {
    return new CdpClient(await WsRpcClient.open(url, { perMessageDeflate: false }), CDP);
  }

  send<T = unknown>(method: string, params: object = {}, sessionId?: string, timeoutMs = 15_000): Promise<T> {
    return this.request<T>(method, params, sessionId, timeoutMs);
  }
}
