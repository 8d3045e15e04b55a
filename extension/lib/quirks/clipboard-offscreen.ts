import { type Browser, browser } from 'wxt/browser';

/**
 * Chromium MV3: a service worker has no DOM and no `navigator.clipboard`, so writing the clipboard
 * from the background needs an offscreen document opened for the CLIPBOARD reason
 * (https://developer.chrome.com/docs/extensions/reference/api/offscreen, "Reasons: CLIPBOARD").
 * At most one offscreen document may exist, so concurrent copies share one opening.
 */
const OFFSCREEN_PATH = '/offscreen.html';

/** The background's one message to the offscreen document (entrypoints/offscreen/main.ts). */
export interface OffscreenCopyRequest {
  type: 'porthole:offscreen-copy';
  text: string;
}
export type OffscreenCopyResponse = { ok: true } | { ok: false; message: string };

export function isOffscreenCopyRequest(message: unknown): message is OffscreenCopyRequest {
  const candidate = message as Partial<OffscreenCopyRequest> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    candidate.type === 'porthole:offscreen-copy' &&
    typeof candidate.text === 'string'
  );
}

let opening: Promise<void> | null = null;

async function ensureOffscreenDocument(): Promise<void> {
  const existing = await browser.runtime.getContexts({
    contextTypes: ['OFFSCREEN_DOCUMENT' as Browser.runtime.ContextType],
    documentUrls: [browser.runtime.getURL(OFFSCREEN_PATH)],
  });
  if (existing.length > 0) return;
  opening ??= browser.offscreen
    .createDocument({
      url: OFFSCREEN_PATH,
      reasons: ['CLIPBOARD' as Browser.offscreen.Reason],
      justification: 'Copy the public address of a share to the clipboard.',
    })
    .finally(() => {
      opening = null;
    });
  await opening;
}

export async function writeClipboardViaOffscreen(text: string): Promise<void> {
  await ensureOffscreenDocument();
  const request: OffscreenCopyRequest = { type: 'porthole:offscreen-copy', text };
  const response = (await browser.runtime.sendMessage(request)) as OffscreenCopyResponse | undefined;
  if (!response?.ok) throw new Error(response?.message ?? 'The offscreen document did not answer the copy request.');
}
