import { NOTIFY, type Notification } from './notifications';
import { markAnnounced } from './porthole-state';
import { isLiveShare } from './protocol';
import { publicLinkForServer } from './public-link';
import type { StateHolder } from './share-store';

/**
 * Copies a share's public address and/or announces it once it is known, as whoever started the
 * share asked (the "copy automatically" preference; a notification from the context menu).
 */
export function createUrlAnnouncer(deps: {
  store: StateHolder;
  writeClipboard: (text: string) => Promise<void>;
  notify: (notification: Notification) => Promise<void>;
  now: () => number;
}): (shareId: string) => Promise<void> {
  const { store } = deps;
  return async function announce(shareId) {
    const tracked = store.get().shares[shareId];
    const wish = tracked?.whenUrlKnown;
    if (!tracked || !wish) return;
    const { share } = tracked;
    if (!isLiveShare(share)) {
      store.update((current) => markAnnounced(current, shareId, null));
      if (wish.notify && share.error) await deps.notify(NOTIFY.couldNotShare(share.origin, share.error.message));
      return;
    }
    if (share.url === null) return;
    // The page it was shared from, not the server's root (public-link.ts).
    const link = publicLinkForServer(share.url, share.origin, tracked.pageUrl);
    // Taken synchronously, so a reply and an event arriving together copy once.
    store.update((current) => markAnnounced(current, shareId, null));
    let copied = false;
    if (wish.copy) {
      try {
        await deps.writeClipboard(link);
        copied = true;
        store.update((current) => markAnnounced(current, shareId, deps.now()));
      } catch (error) {
        console.error('Porthole could not copy the public address:', error);
      }
    }
    if (wish.restarted) await deps.notify(NOTIFY.restarted(link, share.origin, copied));
    else if (wish.notify) await deps.notify(copied ? NOTIFY.urlCopied(link, share.origin) : NOTIFY.urlReady(link, share.origin));
  };
}
