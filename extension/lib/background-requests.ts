import { isBackgroundRequest, type BackgroundRequest, type BackgroundResponse } from './runtime-messages';
import type { ShareController } from './share-controller';

/** runtime.onMessage, reduced to the callback form both webextension-polyfill and WXT's fake browser honour. */
export interface MessageEvent {
  addListener(listener: (message: unknown, sender: unknown, sendResponse: (response: unknown) => void) => boolean | undefined): void;
}

/** `ok: false` only when the request itself could not be carried out; host failures are in the state. */
export async function handleBackgroundRequest(controller: ShareController, request: BackgroundRequest): Promise<BackgroundResponse> {
  switch (request.type) {
    case 'porthole:refresh':
      await controller.refresh();
      return { ok: true };
    case 'porthole:share':
      // How it went (a failed share, a missing host) is in the state the popup renders.
      await controller.share(request.url, request.tabId, 'popup', request.options);
      return { ok: true };
    case 'porthole:configure':
      // Like share: a refused setting is in the state, as the host's sentence, for the popup.
      await controller.configure(request.shareId, request.settings);
      return { ok: true };
    case 'porthole:stop':
      await controller.stop(request.shareId);
      return { ok: true };
    case 'porthole:restart':
      await controller.restart(request.shareId);
      return { ok: true };
    case 'porthole:stop-all':
      await controller.stopAll();
      return { ok: true };
    case 'porthole:dismiss':
      await controller.dismiss(request.shareId);
      return { ok: true };
  }
}

/**
 * Answers the popup's requests. Only ours are answered (returning true keeps the channel open for
 * sendResponse); anything else, such as the offscreen copy request, is left to its own listener.
 */
export function answerBackgroundRequests(onMessage: MessageEvent, controller: ShareController): void {
  onMessage.addListener((message, _sender, sendResponse) => {
    if (!isBackgroundRequest(message)) return undefined;
    handleBackgroundRequest(controller, message).then(sendResponse, (error: unknown) =>
      sendResponse({ ok: false, message: error instanceof Error ? error.message : String(error) } satisfies BackgroundResponse),
    );
    return true;
  });
}
