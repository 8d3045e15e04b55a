import type { ExtensionToHost, HostToExtension } from './protocol';

/**
 * A native messaging port as the host client sees it: the browser's Port, reduced to what is used,
 * with the disconnect reason already read (it lives in a different place in each browser; see
 * browser-apis.ts). Tests implement it with an in-memory fake.
 */
export interface NativePort {
  postMessage(message: ExtensionToHost): void;
  disconnect(): void;
  onMessage(listener: (message: HostToExtension) => void): void;
  /** Called once when the browser closes the port; never after our own disconnect(). */
  onDisconnect(listener: (reason: string) => void): void;
}
