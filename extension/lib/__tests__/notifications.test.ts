import { describe, expect, it } from 'vitest';
import { notificationsForChange } from '../notifications';
import { applyShareEvent, INITIAL_STATE, type PortholeState, upsertShare } from '../porthole-state';
import type { Share } from '../protocol';
import { share } from './share-fixture';

const live: PortholeState = upsertShare({ ...INITIAL_STATE, host: { status: 'connected' } }, share());
const event = (patch: Partial<Share>) =>
  applyShareEvent(live, { type: 'share-event', change: patch.state === 'failed' ? 'failed' : 'stopped', share: share(patch) }, 900);

describe('what a change of state is worth a notification', () => {
  it('a live share that ended on its own: its address stopped working', () => {
    const next = event({ state: 'failed', error: { code: 'tunnel-exited', message: 'cloudflared stopped unexpectedly.' } });
    expect(notificationsForChange(live, next)).toEqual([
      {
        title: 'Porthole stopped sharing http://localhost:3000',
        message: 'cloudflared stopped unexpectedly. Open Porthole to restart it.',
      },
    ]);
  });

  it('a share whose time was up: once, when it happens', () => {
    const next = event({ state: 'stopped', stopReason: 'expired' });
    expect(notificationsForChange(live, next)).toEqual([
      { title: 'Porthole stopped sharing http://localhost:3000', message: expect.stringContaining('Its time was up') },
    ]);
    expect(notificationsForChange(next, next)).toEqual([]);
  });

  it('nothing for a share stopped on request, nor for one that failed before it was live', () => {
    expect(notificationsForChange(live, event({ state: 'stopped', stopReason: 'request' }))).toEqual([]);
    const starting = upsertShare(INITIAL_STATE, share({ state: 'starting', url: null }));
    const failed = applyShareEvent(
      starting,
      {
        type: 'share-event',
        change: 'failed',
        share: share({ state: 'failed', url: null, error: { code: 'rate-limited', message: 'Wait.' } }),
      },
      900,
    );
    expect(notificationsForChange(starting, failed)).toEqual([]);
  });
});
