import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { share, stateWith, tracked } from '../../ui/__tests__/popup-states';
import type { Notification } from '../notifications';
import { applyShareEvent, liveShares } from '../porthole-state';
import { createStateHolder } from '../share-store';
import { createUrlAnnouncer } from '../url-announcer';

/** The host restarted a dead cloudflared (change `restarted`): news, a new address, copied again. */

const OLD = 'https://old-name.trycloudflare.com';
const NEW = 'https://new-name.trycloudflare.com';

beforeEach(() => fakeBrowser.reset());

describe('a share the host restarted', () => {
  const before = stateWith(tracked({ state: 'live', url: OLD }, { pageUrl: 'http://localhost:5173/pricing?plan=pro' }));
  const event = { type: 'share-event', change: 'restarted', share: share({ state: 'live', url: NEW, restarts: 1 }) } as const;

  it('stays live with its new address and a notice that is news, not a failure', () => {
    const after = applyShareEvent(before, event, 42);
    expect(liveShares(after).map((entry) => entry.share.url)).toEqual([NEW]);
    expect(after.shares.s1?.share.state).toBe('live');
    expect(after.lastError).toMatchObject({
      message: expect.stringMatching(/^The address changed: cloudflared restarted\./),
      restarted: true,
      at: 42,
    });
    expect(after.lastError?.expired).toBeUndefined();
  });

  it('copies the new link of the same page again and says why in a notification', async () => {
    const store = createStateHolder(fakeBrowser.storage.session);
    await store.load();
    store.update(() => applyShareEvent(before, event, 42));
    const clipboard: string[] = [];
    const notifications: Notification[] = [];
    const announce = createUrlAnnouncer({
      store,
      writeClipboard: async (text) => void clipboard.push(text),
      notify: async (notification) => void notifications.push(notification),
      now: () => 50,
    });
    await announce('s1');
    expect(clipboard).toEqual([`${NEW}/pricing?plan=pro`]);
    expect(notifications).toEqual([
      {
        title: 'The address changed: cloudflared restarted',
        message: `http://localhost:5173 is shared again at ${NEW}/pricing?plan=pro, copied to the clipboard. The old link no longer works.`,
      },
    ]);
    // Once: a later event for the same share copies nothing more.
    await announce('s1');
    expect(clipboard).toHaveLength(1);
    await store.flush();
  });
});
