import type { ErrorAction } from '../lib/error-text';
import { type PortholeState, shareForOrigin } from '../lib/porthole-state';
import { LiveShare } from './live-share/live-share';
import { shareStage } from './live-share/stage';
import type { CopiedMark, PopupActions } from './popup-actions';
import { ProblemBox } from './problem-box';
import { ShareForm, type StableOffer } from './share-form';

export interface SharePanelProps {
  origin: string;
  /** The tab's full address (its page's public link is offered). */
  pageUrl?: string;
  state: PortholeState;
  now: number;
  copied: CopiedMark | null;
  actions: PopupActions;
  /** A stable address on offer (an account is connected); null: quick only. */
  stable?: StableOffer | null;
  /** Changes when what is remembered for this server has loaded, so the form starts from it. */
  formKey?: string;
}

/**
 * The popup on a localhost page: the Share button with its optional settings, the share on its way
 * or live (live-share/), or the share that ended on its own with Restart.
 */
export function SharePanel({ origin, pageUrl, state, now, copied, actions, stable = null, formKey }: SharePanelProps) {
  const { tracked, pending } = shareForOrigin(state, origin);
  const stage = shareStage(tracked, pending);
  const problem = state.lastError?.origin === origin ? state.lastError : null;

  if (stage === null || stage === 'stopped') {
    return (
      <div class="share-panel">
        <p class="origin-line">
          <span class="label">This tab</span> <span class="origin">{origin}</span>
        </p>
        {problem ? (
          <ProblemBox problem={problem} onDismiss={() => actions.dismiss(null)} onAction={(action) => problemAction(action, actions)} />
        ) : null}
        <ShareForm
          key={formKey}
          stable={stable}
          onShare={(settings, address) => (address ? actions.share(settings, address) : actions.share(settings))}
        />
      </div>
    );
  }

  if (stage === 'failed') {
    // A failed stage always has its share; the fallbacks keep the view total.
    const { id = '', error = null, url: endedUrl = null, endedAt = null, address = 'quick', hostname = null } = tracked?.share ?? {};
    const stableEnded = address === 'stable' && hostname !== null;
    return (
      <div class="share-panel">
        <p class="origin-line">
          <span class="label">This tab</span> <span class="origin">{origin}</span>
        </p>
        <ProblemBox
          problem={error ? { ...error, at: endedAt } : { message: 'The share ended.' }}
          onDismiss={() => actions.dismiss(id)}
          // Another name is typed in the share form, which shows once the ended share is dismissed.
          onAction={(action) => (action === 'rename' ? actions.dismiss(id) : problemAction(action, actions))}
        />
        {/* A share that never had an address is tried again; one that had one is restarted, with a new address. */}
        <button type="button" class="primary big" onClick={() => actions.restart(id)}>
          {endedUrl ? 'Restart' : 'Try again'}
        </button>
        {stableEnded ? (
          <p class="hint">
            A stable address stays: {endedUrl ? 'Restart' : 'Try again'} shares this server on <span class="ended-url">{hostname}</span>{' '}
            again.
          </p>
        ) : endedUrl ? (
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

/** The one thing to do about a share's error, where the popup can do it (error-text.ts names it). */
export function problemAction(action: ErrorAction, actions: PopupActions): void {
  if (action === 'open-options' || action === 'connect') actions.openOptions?.();
  // The name field sits under the problem, in the share form: the cursor goes there.
  else if (action === 'rename') {
    const field = document.getElementById('stable-name') as HTMLInputElement | null;
    field?.focus();
    field?.select();
  }
}
