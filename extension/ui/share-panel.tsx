import { type PortholeState, shareForOrigin } from '../lib/porthole-state';
import { LiveShare } from './live-share/live-share';
import { shareStage } from './live-share/stage';
import type { CopiedMark, PopupActions } from './popup-actions';
import { ProblemBox } from './problem-box';
import { ShareForm } from './share-form';

export interface SharePanelProps {
  origin: string;
  /** The tab's full address (its page's public link is offered). */
  pageUrl?: string;
  state: PortholeState;
  now: number;
  copied: CopiedMark | null;
  actions: PopupActions;
}

/**
 * The popup on a localhost page: the Share button with its optional settings, the share on its way
 * or live (live-share/), or the share that ended on its own with Restart.
 */
export function SharePanel({ origin, pageUrl, state, now, copied, actions }: SharePanelProps) {
  const { tracked, pending } = shareForOrigin(state, origin);
  const stage = shareStage(tracked, pending);
  const problem = state.lastError?.origin === origin ? state.lastError : null;

  if (stage === null || stage === 'stopped') {
    return (
      <div class="share-panel">
        <p class="origin-line">
          <span class="label">This tab</span> <span class="origin">{origin}</span>
        </p>
        {problem ? <ProblemBox problem={problem} onDismiss={() => actions.dismiss(null)} /> : null}
        <ShareForm onShare={(settings) => actions.share(settings)} />
      </div>
    );
  }

  if (stage === 'failed') {
    // A failed stage always has its share; the fallbacks keep the view total.
    const { id = '', error = null, url: endedUrl = null, endedAt = null } = tracked?.share ?? {};
    return (
      <div class="share-panel">
        <p class="origin-line">
          <span class="label">This tab</span> <span class="origin">{origin}</span>
        </p>
        <ProblemBox problem={error ? { ...error, at: endedAt } : { message: 'The share ended.' }} onDismiss={() => actions.dismiss(id)} />
        {/* A share that never had an address is tried again; one that had one is restarted, with a new address. */}
        <button type="button" class="primary big" onClick={() => actions.restart(id)}>
          {endedUrl ? 'Restart' : 'Try again'}
        </button>
        {endedUrl ? (
          <p class="hint">
            A quick tunnel gets a new address each time it starts: <span class="ended-url">{endedUrl}</span> won’t work again.
          </p>
        ) : null}
      </div>
    );
  }
  return (
    <LiveShare
      origin={origin}
      pageUrl={pageUrl}
      since={pending?.since ?? tracked?.share.startedAt ?? null}
      tracked={tracked}
      stage={stage}
      problem={problem}
      now={now}
      copied={copied}
      actions={actions}
    />
  );
}
