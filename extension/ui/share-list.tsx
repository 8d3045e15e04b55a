import type { TrackedShare } from '../lib/share-state';
import { formatDuration } from './format-duration';
import type { PopupActions } from './popup-actions';

const STATE_LABEL = { live: 'Live', starting: 'Starting' } as const;

/** Every active share, from any tab: origin, address, state, how long it has run; Copy and Stop. */
export function ShareList({ shares, now, copiedShareId, actions }: { shares: TrackedShare[]; now: number; copiedShareId: string | null; actions: PopupActions }) {
  return (
    <section class="share-list" aria-labelledby="active-shares-title">
      <div class="section-head">
        <h2 id="active-shares-title">Active shares{shares.length > 0 ? ` (${shares.length})` : ''}</h2>
        {shares.length > 0 ? (
          <button type="button" class="link-button danger" onClick={actions.stopAll}>
            Stop all
          </button>
        ) : null}
      </div>
      {shares.length === 0 ? (
        <p class="empty">No active shares.</p>
      ) : (
        <ul>
          {shares.map(({ share }) => {
            const copied = copiedShareId === share.id;
            const state = share.state === 'live' ? STATE_LABEL.live : STATE_LABEL.starting;
            return (
              <li key={share.id} class="share-row">
                <div class="share-row-text">
                  <span class="origin">{share.origin}</span>
                  <span class="share-url">{share.url ?? 'Waiting for an address…'}</span>
                  <span class="share-meta">
                    <span class={`state state-${share.state}`}>{state}</span> · for {formatDuration(now - share.startedAt)}
                  </span>
                </div>
                <div class="share-row-actions">
                  <button
                    type="button"
                    class="small"
                    disabled={!share.url}
                    aria-label={`Copy the address of ${share.origin}`}
                    onClick={() => share.url && actions.copy(share.id, share.url)}
                  >
                    {copied ? 'Copied' : 'Copy'}
                  </button>
                  <button type="button" class="small danger" aria-label={`Stop sharing ${share.origin}`} onClick={() => actions.stop(share.id)}>
                    Stop
                  </button>
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
