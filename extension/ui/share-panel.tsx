import type { PortholeState } from '../lib/share-state';
import { shareForOrigin } from '../lib/share-state';
import type { PopupActions } from './popup-actions';
import { ProblemBox } from './problem-box';
import { shareStage } from './share-stage';
import { StageSteps } from './stage-steps';

export interface SharePanelProps {
  origin: string;
  state: PortholeState;
  copiedShareId: string | null;
  actions: PopupActions;
}

/** The popup on a localhost page: the origin, one Share button, then the stages and the URL. */
export function SharePanel({ origin, state, copiedShareId, actions }: SharePanelProps) {
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
        <button type="button" class="primary big" onClick={actions.share}>
          Share this localhost tab
        </button>
        <p class="hint">Anyone with the public address can open this page until you stop sharing.</p>
      </div>
    );
  }

  if (stage === 'failed' && tracked) {
    return (
      <div class="share-panel">
        <p class="origin-line">
          <span class="label">This tab</span> <span class="origin">{origin}</span>
        </p>
        <ProblemBox problem={tracked.share.error ?? { message: 'The share failed.' }} onDismiss={() => actions.dismiss(tracked.share.id)} />
        <button type="button" class="primary big" onClick={actions.share}>
          Try again
        </button>
      </div>
    );
  }

  const share = stage === 'starting-cloudflared' ? null : (tracked?.share ?? null);
  const url = share?.url ?? null;
  const copied = share !== null && copiedShareId === share.id;
  return (
    <div class="share-panel">
      <p class="origin-line">
        <span class="label">Sharing</span> <span class="origin">{origin}</span>
      </p>
      <StageSteps stage={stage} />
      <div class="url-box">
        {url ? (
          <a class="public-url" href={url} target="_blank" rel="noreferrer">
            {url}
          </a>
        ) : (
          <span class="public-url placeholder">The public address appears here</span>
        )}
      </div>
      <div class="actions">
        <button type="button" class="primary" disabled={!url || !share} onClick={() => share && url && actions.copy(share.id, url)}>
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" class="secondary" disabled={!url} onClick={() => url && actions.open(url)}>
          Open
        </button>
        <button type="button" class="secondary danger" disabled={!share} onClick={() => share && actions.stop(share.id)}>
          Stop
        </button>
      </div>
      <p class="hint" aria-live="polite">
        {hint({ copied, autoCopied: Boolean(share && tracked?.copiedAt), live: stage === 'live', hasUrl: url !== null })}
      </p>
    </div>
  );
}

function hint({ copied, autoCopied, live, hasUrl }: { copied: boolean; autoCopied: boolean; live: boolean; hasUrl: boolean }): string {
  if (copied) return 'Copied to the clipboard.';
  if (live) return autoCopied ? 'Live, and copied to the clipboard automatically.' : 'Live: anyone with this address sees your page.';
  if (hasUrl) return autoCopied ? 'Copied to the clipboard automatically; it works once the tunnel is live.' : 'Almost there: the address works once the tunnel is live.';
  return '';
}
