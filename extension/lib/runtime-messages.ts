import type { ShareSettings } from './protocol';

/**
 * The extension's own runtime messages, defined once: the popup asks the background to act, and
 * the background asks the offscreen document to copy. State never travels in these: the background
 * publishes it in storage.session and views re-render from there (see share-store.ts).
 */

export type BackgroundRequest =
  /** A view opened: reconcile with the host (starting it if needed) so reachability is fresh. */
  | { type: 'porthole:refresh' }
  /**
   * Share the page at `url` (only its origin is used), started from tab `tabId`, with the password
   * and expiry chosen in the popup (absent: an open share that runs until stopped).
   */
  | { type: 'porthole:share'; url: string; tabId: number | null; options?: ShareSettings }
  /** Change a running share's settings: an absent field is left as it is, null removes it. */
  | { type: 'porthole:configure'; shareId: string; settings: ShareSettings }
  | { type: 'porthole:stop'; shareId: string }
  /** Share again the origin of a share that ended on its own (a new tunnel, so a new address). */
  | { type: 'porthole:restart'; shareId: string }
  | { type: 'porthole:stop-all' }
  /** Forget a failed share or the last error, once the person has read it. */
  | { type: 'porthole:dismiss'; shareId: string | null };

export type BackgroundResponse = { ok: true } | { ok: false; message: string };

export interface OffscreenCopyRequest {
  type: 'porthole:offscreen-copy';
  text: string;
}
export type OffscreenCopyResponse = { ok: true } | { ok: false; message: string };

const BACKGROUND_TYPES: ReadonlySet<string> = new Set([
  'porthole:refresh',
  'porthole:share',
  'porthole:configure',
  'porthole:stop',
  'porthole:restart',
  'porthole:stop-all',
  'porthole:dismiss',
]);

export function isBackgroundRequest(message: unknown): message is BackgroundRequest {
  return (
    typeof message === 'object' &&
    message !== null &&
    typeof (message as { type?: unknown }).type === 'string' &&
    BACKGROUND_TYPES.has((message as { type: string }).type)
  );
}

export function isOffscreenCopyRequest(message: unknown): message is OffscreenCopyRequest {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === 'porthole:offscreen-copy' &&
    typeof (message as { text?: unknown }).text === 'string'
  );
}

/** Sends one request with the runtime's sendMessage (passed in, so views and tests choose it). */
export async function askBackground(
  sendMessage: (message: BackgroundRequest) => Promise<unknown>,
  request: BackgroundRequest,
): Promise<BackgroundResponse> {
  try {
    const response = (await sendMessage(request)) as BackgroundResponse | undefined;
    return response ?? { ok: false, message: 'Porthole’s background did not answer. Reload the extension and try again.' };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}
