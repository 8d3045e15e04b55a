import { useState } from 'preact/hooks';
import type { PortholeState } from '../lib/porthole-state';
import { shareForOrigin } from '../lib/porthole-state';
import type { CopiedMark, PopupActions } from './popup-actions';
import { ProblemBox } from './problem-box';
import { ShareActivity } from './share-activity';
import { draftHint, draftToOptions, EMPTY_DRAFT, LiveSummary, ShareOptionsFields, type ShareDraft } from './share-settings';
import { shareStage } from './share-stage';
import { StageSteps } from './stage-steps';

export interface SharePanelProps {
  origin: string;
  state: PortholeState;
  now: number;
  copied: CopiedMark | null;
  actions: PopupActions;
}

/**
 * The popup on a localhost page: the origin, one Share button with its optional password and
 * expiry, then the stages, the URL, and once live the share's settings and its visitors.
 */
export function SharePanel({ origin, state, now, copied, actions }: SharePanelProps) {
  const { tracked, pending } = shareForOrigin(state, origin);
  const stage = shareStage(tracked, pending);
  const problem = state.lastError?.origin === origin ? state.lastError : null;
  const [draft, setDraft] = useState<ShareDraft>(EMPTY_DRAFT);

  if (stage === null || stage === 'stopped') {
    return (
      <div class="share-panel">
        <p class="origin-line">
          <span class="label">This tab</span> <span class="origin">{origin}</span>
        </p>
        {problem ? <ProblemBox problem={problem} onDismiss={() => actions.dismiss(null)} /> : null}
        <form
          class="share-form"
          onSubmit={(event) => {
            event.preventDefault();
            actions.share(draftToOptions(draft));
          }}
        >
          <button type="submit" class="primary big">
            Share this localhost tab
          </button>
          <ShareOptionsFields draft={draft} onChange={setDraft} />
        </form>
        <p class="hint">{draftHint(draft)}</p>
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
  const urlCopied = share !== null && copied?.shareId === share.id && copied.what === 'url';
  const warnings = share?.warnings ?? [];
  return (
    <div class="share-panel">
      <p class="origin-line">
        <span class="label">Sharing</span> <span class="origin">{origin}</span>
      </p>
      {stage === 'live' && share ? <LiveSummary share={share} now={now} copied={copied} actions={actions} /> : <StageSteps stage={stage} />}
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
          {urlCopied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" class="secondary" disabled={!url} onClick={() => url && actions.open(url)}>
          Open
        </button>
        <button type="button" class="secondary danger" disabled={!share} onClick={() => share && actions.stop(share.id)}>
          Stop
        </button>
      </div>
      {/* One slot for what to know now: a refused setting, the host's warnings, or the hint. */}
      <div class="notes" aria-live="polite">
        {problem ? <ProblemBox problem={problem} onDismiss={() => actions.dismiss(null)} /> : null}
        {warnings.map((warning) => (
          <p key={warning.code} class="warning" data-code={warning.code}>
            {warning.message}
          </p>
        ))}
        {problem || warnings.length > 0 ? null : (
          <p class="hint">
            {hint({ copied: urlCopied, autoCopied: Boolean(share && tracked?.copiedAt), live: stage === 'live', hasUrl: url !== null, password: Boolean(share?.password) })}
          </p>
        )}
      </div>
      <ShareActivity share={share} />
    </div>
  );
}

function hint({ copied, autoCopied, live, hasUrl, password }: { copied: boolean; autoCopied: boolean; live: boolean; hasUrl: boolean; password: boolean }): string {
  if (copied) return 'Copied to the clipboard.';
  if (live) {
    if (autoCopied) return 'Live, and copied to the clipboard automatically.';
    return password ? 'Live: anyone with this address and the password sees your page.' : 'Live: anyone with this address sees your page.';
  }
  if (hasUrl) return autoCopied ? 'Copied to the clipboard automatically; it works once the tunnel is live.' : 'Almost there: the address works once the tunnel is live.';
  return '';
}
