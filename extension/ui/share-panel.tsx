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
    const { id, error, url: endedUrl } = tracked.share;
    return (
      <div class="share-panel">
        <p class="origin-line">
          <span class="label">This tab</span> <span class="origin">{origin}</span>
        </p>
        <ProblemBox problem={error ?? { message: 'The share ended.' }} onDismiss={() => actions.dismiss(id)} />
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
