import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createHostClient } from '../host-client';
import { addLiveShareBadge } from '../live-share-badge';
import { DEFAULT_PREFERENCES } from '../preferences';
import { createShareController } from '../share-controller';
import { ScriptedHost, settle } from './scripted-host';

beforeEach(() => fakeBrowser.reset());

describe('toolbar badge', () => {
  it('counts the live shares, and is empty when there are none', async () => {
    const host = new ScriptedHost();
    const controller = createShareController({
      client: createHostClient({ connect: host.connect }),
      area: fakeBrowser.storage.session,
      readPreferences: async () => ({ ...DEFAULT_PREFERENCES, copyWhenReady: false }),
      writeClipboard: async () => {},
      notify: async () => {},
    });
    const badges: string[] = [];
    addLiveShareBadge(controller, async ({ text }) => void badges.push(text));
    expect(badges).toEqual(['']);
    await controller.share('http://localhost:3000', 1, 'popup');
    await controller.share('http://localhost:4000', 2, 'popup');
    await settle();
    host.giveUrl('s1');
    host.goLive('s1');
    await settle();
    expect(badges.at(-1)).toBe('2');
    host.fail('s2', { code: 'offline', message: 'This computer seems to be offline.' });
    await settle();
    expect(badges.at(-1)).toBe('1');
    await controller.stopAll();
    expect(badges.at(-1)).toBe('');
    // Set only when the number changes.
    expect(badges).toEqual(['', '1', '2', '1', '']);
    await controller.flush();
  });
});
