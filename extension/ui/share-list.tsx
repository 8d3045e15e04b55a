import { sameServer, type TrackedShare } from '../lib/porthole-state';
import type { Share } from '../lib/protocol';
import { formatCountdown, formatDuration } from './format-duration';
import { ClockIcon, LockIcon } from './icons';
import { countsLine } from './live-share/activity';
import { StableMark } from './live-share/live-share';
import type { CopiedMark, PopupActions } from './popup-actions';
import { ShortUrl } from './short-url';

const STATE_LABEL = { live: 'Live', starting: 'Starting' } as const;

export interface ShareListProps {
  shares: TrackedShare[];
  /** Shares that ended on their own and are not the current tab's (its panel shows that one). */
  ended: TrackedShare[];
  now: number;
  copied: CopiedMark | null;
  actions: PopupActions;
  /** The current tab's server, whose share is highlighted here (its controls are in the panel above). */
  currentOrigin?: string | null;
}

/** Under a share's state: its visitors, and whether its local server is down. */
function trafficLine(share: Share): string {
  const down = share.warnings.some((warning) => warning.code === 'origin-unreachable') ? ' · local server down' : '';
  return `${countsLine(share.traffic)}${down}`;
}

/**
 * Every active share, from any tab: origin, address, state, how long it has run, its visitors,
 * password and expiry; Copy and Stop.
 * Below them, shares that ended on their own, with why, Restart and Dismiss.
 */
export function ShareList({ shares, ended, now, copied: copiedMark, actions, currentOrigin = null }: ShareListProps) {
  return (
    <section class="share-list" aria-labelledby="active-shares-title">
      <div class="section-head">
        <h2 id="active-shares-title">Active shares{shares.length > 0 ? ` (${shares.length})` : ''}</h2>
        {shares.length > 0 ? (
          <button type="button" class="link-button danger" onClick={() => actions.stopAll()}>
            Stop all
          </button>
        ) : null}
      </div>
      {shares.length === 0 ? (
        <p class="empty">No active shares.</p>
      ) : (
        // Three shares fit the popup's 600 px; more scroll inside this bounded list.
        <ul class="active-shares">
          {shares.map(({ share }) => {
            const current = currentOrigin !== null && sameServer(share.origin, currentOrigin);
            const copied = copiedMark?.shareId === share.id && copiedMark.what === 'url';
            const traffic = trafficLine(share);
            const countdown = share.expiresAt != null ? formatCountdown(share.expiresAt - now) : null;
            const state = share.state === 'live' ? STATE_LABEL.live : STATE_LABEL.starting;
            return (
              <li key={share.id} class={current ? 'share-row current-share' : 'share-row'} aria-current={current ? 'true' : undefined}>
                <div class="share-row-text">
                  <span class="origin">
                    {shareLabel(share)}
                    {current ? <span class="this-tab"> · this tab</span> : null}
                  </span>
                  <span class="share-url-line">
                    {share.url ? (
                      <ShortUrl class="share-url" url={share.url} />
                    ) : (
                      <span class="share-url">{share.hostname ? `https://${share.hostname}` : 'Waiting for an address…'}</span>
                    )}
                    {share.address === 'stable' ? <StableMark /> : null}
                  </span>
                  <span class="share-meta">
                    <span class={`state state-${share.state}`}>{state}</span> · for {formatDuration(now - share.startedAt)}
                    {share.password ? (
                      <span class="meta-mark">
                        {' · '}
                        <LockIcon label="password-protected" />
                      </span>
                    ) : null}
                    {countdown !== null ? (
                      <span class="meta-mark">
                        {' · '}
                        <ClockIcon label="stops in" /> {countdown}
                      </span>
                    ) : null}
                  </span>
                  <span class="share-meta" title={traffic}>
                    {traffic}
                  </span>
                </div>
                {/* The current tab's share has its Copy and Stop in the panel above: not shown twice. */}
                {current ? null : (
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
                    <button
                      type="button"
                      class="small danger"
                      aria-label={`Stop sharing ${share.origin}`}
                      onClick={() => actions.stop(share.id)}
                    >
                      Stop
                    </button>
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {ended.length > 0 ? (
        <>
          <div class="section-head ended-head">
            <h2 id="ended-shares-title">Ended on their own ({ended.length})</h2>
          </div>
          <ul aria-labelledby="ended-shares-title">
            {ended.map(({ share }) => (
              <li key={share.id} class="share-row ended-row">
                <div class="share-row-text">
                  <span class="origin">{shareLabel(share)}</span>
                  <span class="ended-reason" title={share.error?.message}>
                    {share.error?.message ?? 'The share ended.'}
                  </span>
                </div>
                <div class="share-row-actions">
                  <button
                    type="button"
                    class="small"
                    aria-label={`Restart sharing ${share.origin}`}
                    onClick={() => actions.restart(share.id)}
                  >
                    Restart
                  </button>
                  <button type="button" class="small" aria-label={`Dismiss ${share.origin}`} onClick={() => actions.dismiss(share.id)}>
                    Dismiss
                  </button>
                </div>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

/** What a share serves, as the list names it: a folder by its path (issue 13), dropped files by what was dropped, a server by its origin. */
export function shareLabel(share: { origin: string; kind?: string; folder?: string | null; label?: string | null }): string {
  if (share.kind === 'folder' && share.folder) return `folder ${share.folder}`;
  if (share.kind === 'files') return share.label ? `dropped files: ${share.label}` : 'dropped files';
  return share.origin;
}
