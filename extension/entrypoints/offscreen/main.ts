import { browser } from 'wxt/browser';
import { copyWithExecCommand } from '../../lib/quirks/clipboard-background-page';
import { isOffscreenCopyRequest, type OffscreenCopyResponse } from '../../lib/quirks/clipboard-offscreen';

/**
 * Chromium's offscreen document for clipboard writes (see lib/quirks/clipboard-offscreen.ts).
 * It is never focused, so navigator.clipboard.writeText would be refused ("Document is not
 * focused"); execCommand('copy') works here because the extension holds clipboardWrite.
 */
browser.runtime.onMessage.addListener((message: unknown, _sender: unknown, sendResponse: (response: OffscreenCopyResponse) => void) => {
  if (!isOffscreenCopyRequest(message)) return undefined;
  const ok = copyWithExecCommand(message.text);
  sendResponse(ok ? { ok: true } : { ok: false, message: 'Chromium refused to write the clipboard.' });
  return undefined;
});
