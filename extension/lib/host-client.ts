import type { NativePort } from './native-port';
import {
  type AccountEvent,
  type ExtensionToHost,
  type HostError,
  type HostToExtension,
  isReply,
  type Reply,
  type ReplyTo,
  type RequestType,
  type ShareEvent,
} from './protocol';

/**
 * The one connection to the native host, in the manner of Bitwarden's native messaging background:
 * every request gets an id and a timeout, replies are matched by id, and when the port closes every
 * pending request is rejected with the browser's reason. The port is opened on first use and again
 * on the next use after a disconnect. Pushed share events go to listeners.
 */

/** A request as callers write it: the client adds the id. */
export type HostRequest<T extends RequestType = RequestType> = T extends RequestType
  ? Omit<Extract<ExtensionToHost, { type: T }>, 'id'>
  : never;

export type HostFailure =
  /** The host answered with an error reply. */
  | { kind: 'host'; error: HostError }
  /** The port closed (or could not be opened) before the reply came. */
  | { kind: 'disconnected'; reason: string }
  | { kind: 'timeout'; requestType: RequestType; timeoutMs: number };

export class HostRequestError extends Error {
  override readonly name = 'HostRequestError';
  constructor(readonly failure: HostFailure) {
    super(describeFailure(failure));
  }
}

export function describeFailure(failure: HostFailure): string {
  switch (failure.kind) {
    case 'host':
      return failure.error.message;
    case 'disconnected':
      return failure.reason;
    case 'timeout':
      return (
        `The Porthole host did not answer the ${failure.requestType} request within ${Math.round(failure.timeoutMs / 1000)} s. ` +
        'It may be stuck: try again, or restart the browser.'
      );
  }
}

export interface HostClientOptions {
  /** Opens a new port to the host (BrowserApis.connectNative bound to the host name). */
  connect: () => NativePort;
  /** Default time a request may wait for its reply. */
  timeoutMs?: number;
}

export interface HostClient {
  request<R extends HostRequest>(request: R, options?: { timeoutMs?: number }): Promise<ReplyTo<R['type']>>;
  onEvent(listener: (event: ShareEvent) => void): () => void;
  /** The account changed outside a request: a login finished, failed or timed out (feature `stable`). */
  onAccountEvent(listener: (event: AccountEvent) => void): () => void;
  /** Told each time a port opens, before the request that opened it is sent: the place to say hello. */
  onConnect(listener: () => void): () => void;
  /** Told when the browser closes the port, with its reason; not after disconnect(). */
  onDisconnect(listener: (reason: string) => void): () => void;
  /** True while a port is open (it is opened lazily by request()). */
  readonly connected: boolean;
  /** Closes the port; pending requests are rejected. The next request opens a new one. */
  disconnect(): void;
}

interface Pending {
  type: RequestType;
  resolve: (reply: Reply) => void;
  reject: (error: HostRequestError) => void;
  timer: ReturnType<typeof setTimeout>;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;

export function createHostClient({ connect, timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS }: HostClientOptions): HostClient {
  let port: NativePort | null = null;
  let nextId = 1;
  const pending = new Map<string, Pending>();
  const eventListeners = new Set<(event: ShareEvent) => void>();
  const accountListeners = new Set<(event: AccountEvent) => void>();
  const disconnectListeners = new Set<(reason: string) => void>();
  const connectListeners = new Set<() => void>();

  function settleAll(reason: string): void {
    const failure = new HostRequestError({ kind: 'disconnected', reason });
    for (const [id, entry] of pending) {
      clearTimeout(entry.timer);
      pending.delete(id);
      entry.reject(failure);
    }
  }

  function handleMessage(message: HostToExtension): void {
    if (!isReply(message)) {
      if (message.type === 'share-event') for (const listener of [...eventListeners]) listener(message);
      else if (message.type === 'account-event') for (const listener of [...accountListeners]) listener(message);
      return;
    }
    if (!message.ok && message.id === null) {
      // The host could not read a request well enough to name it; nothing to settle.
      console.warn('Porthole host refused a request it could not read:', message.error.message);
      return;
    }
    const id = message.id;
    const entry = id === null ? undefined : pending.get(id);
    if (id === null || !entry) return; // A late reply to a request that already timed out.
    pending.delete(id);
    clearTimeout(entry.timer);
    if (!message.ok) {
      entry.reject(new HostRequestError({ kind: 'host', error: message.error }));
    } else if (message.type !== entry.type) {
      entry.reject(
        new HostRequestError({
          kind: 'host',
          error: {
            code: 'internal',
            message: `The Porthole host answered a ${entry.type} request with a ${message.type} reply. Update the host and the extension to matching versions.`,
          },
        }),
      );
    } else {
      entry.resolve(message);
    }
  }

  function open(): NativePort {
    if (port) return port;
    const opened = connect();
    port = opened;
    opened.onMessage((message) => {
      if (port === opened) handleMessage(message);
    });
    opened.onDisconnect((reason) => {
      if (port !== opened) return;
      port = null;
      settleAll(reason);
      for (const listener of [...disconnectListeners]) listener(reason);
    });
    for (const listener of [...connectListeners]) listener();
    return opened;
  }

  function request<R extends HostRequest>(body: R, options?: { timeoutMs?: number }): Promise<ReplyTo<R['type']>> {
    const id = `r${nextId++}`;
    const limit = options?.timeoutMs ?? timeoutMs;
    return new Promise<ReplyTo<R['type']>>((resolve, reject) => {
      let target: NativePort;
      try {
        target = open();
      } catch (error) {
        reject(new HostRequestError({ kind: 'disconnected', reason: error instanceof Error ? error.message : String(error) }));
        return;
      }
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new HostRequestError({ kind: 'timeout', requestType: body.type, timeoutMs: limit }));
      }, limit);
      pending.set(id, { type: body.type, resolve: resolve as (reply: Reply) => void, reject, timer });
      try {
        target.postMessage({ ...body, id } as ExtensionToHost);
      } catch (error) {
        // Chromium throws "Attempting to use a disconnected port object" when the port closed
        // between open() and here; the onDisconnect reason, if any, follows separately.
        pending.delete(id);
        clearTimeout(timer);
        if (port === target) port = null;
        reject(new HostRequestError({ kind: 'disconnected', reason: error instanceof Error ? error.message : String(error) }));
      }
    });
  }

  return {
    request,
    onEvent(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    onAccountEvent(listener) {
      accountListeners.add(listener);
      return () => accountListeners.delete(listener);
    },
    onConnect(listener) {
      connectListeners.add(listener);
      return () => connectListeners.delete(listener);
    },
    onDisconnect(listener) {
      disconnectListeners.add(listener);
      return () => disconnectListeners.delete(listener);
    },
    get connected() {
      return port !== null;
    },
    disconnect() {
      const closing = port;
      port = null;
      closing?.disconnect();
      settleAll('Porthole closed the connection to its host.');
    },
  };
}
