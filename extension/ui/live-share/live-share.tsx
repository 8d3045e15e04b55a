import type { TrackedShare } from '../../lib/porthole-state';
import { publicLinkForServer } from '../../lib/public-link';
import type { CopiedMark, PopupActions } from '../popup-actions';
import { Linked, ProblemBox } from '../problem-box';
import { ShortUrl } from '../short-url';
import { ShareActivity } from './activity';
import { LiveSummary } from './settings-rows';
import { type ShareStage, STEPS, slowNotice, stepStatuses } from './stage';

/**
 * The current tab's share from the moment Share is clicked: the stages until it is live, then its
 * settings; the public address with Copy, Open and Stop; what to know now; and its visitors.
 * Its parts live beside it in this folder: the settings rows, the activity (with the QR code) and
 * the stages.
 */
export interface LiveShareProps {
  origin: string;
  /** The tab's full address: the link given is that page on the public address (public-link.ts). */
  pageUrl?: string;
  /** When the share was asked for: after 10 s on the way, the popup says what it is waiting for. */
  since?: number | null;
  /** Null while the request is with the host (no share yet). */
  tracked: TrackedShare | null;
  stage: Exclude<ShareStage, 'failed' | 'stopped'>;
  /** A refused setting for this page, in the host's words. */
  problem: Parameters<typeof ProblemBox>[0]['problem'] | null;
  now: number;
  copied: CopiedMark | null;
  actions: PopupActions;
}

export function LiveShare({ origin, pageUrl, since = null, tracked, stage, problem, now, copied, actions }: LiveShareProps) {
  const share = stage === 'starting-cloudflared' ? null : (tracked?.share ?? null);
  // The page in the tab, not the server's root: what Copy, Open and the QR code give.
  const url = share?.url ? publicLinkForServer(share.url, origin, pageUrl) : null;
  const urlCopied = share !== null && copied?.shareId === share.id && copied.what === 'url';
  const warnings = share?.warnings ?? [];
  const slow = slowNotice(stage, since, now, share?.address === 'stable' ? (share.hostname ?? null) : null);
  return (
    <div class="share-panel">
      <p class="origin-line">
        <span class="label">Sharing</span> <span class="origin">{origin}</span>
      </p>
      {stage === 'live' && share ? <LiveSummary share={share} now={now} copied={copied} actions={actions} /> : <StageSteps stage={stage} />}
      <div class={share?.address === 'stable' ? 'url-box stable-url' : 'url-box'}>
        {url ? (
          <ShortUrl class="public-url" url={url} href={url} />
        ) : (
          <span class="public-url placeholder">{share?.hostname ? `https://${share.hostname}` : 'The public address appears here'}</span>
        )}
        {share?.address === 'stable' ? <StableMark /> : null}
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
            <Linked text={warning.message} />
          </p>
        ))}
        {slow && !problem ? (
          <p class="slow" role="status">
            {slow}
          </p>
        ) : null}
        {problem || warnings.length > 0 || slow ? null : (
          <p class="hint">
            {hint({
              copied: urlCopied,
              autoCopied: Boolean(share && tracked?.copiedAt),
              live: stage === 'live',
              hasUrl: url !== null,
              password: Boolean(share?.password),
            })}
          </p>
        )}
      </div>
      <ShareActivity share={share} link={url} />
    </div>
  );
}

interface HintFacts {
  copied: boolean;
  autoCopied: boolean;
  live: boolean;
  hasUrl: boolean;
  password: boolean;
}

function hint({ copied, autoCopied, live, hasUrl, password }: HintFacts): string {
  if (copied) return 'Copied to the clipboard.';
  if (live) {
    if (autoCopied) return 'Live, and copied to the clipboard automatically.';
    return password ? 'Live: anyone with this address and the password sees your page.' : 'Live: anyone with this address sees your page.';
  }
  if (!hasUrl) return '';
  return autoCopied
    ? 'Copied to the clipboard automatically; it works once the tunnel is live.'
    : 'Almost there: the address works once the tunnel is live.';
}

/** Says a share is on a stable address (issue 14): its link outlives the share. */
export function StableMark() {
  return (
    <span class="address-mark" title="A stable address: sharing this server again gives the same one">
      stable
    </span>
  );
}

const MARK = { done: '✓', active: '', waiting: '' } as const;

function StageSteps({ stage }: { stage: ShareStage }) {
  const statuses = stepStatuses(stage);
  return (
    <ol class="steps" aria-label="Progress">
      {STEPS.map((step, index) => {
        const status = statuses[index] ?? 'waiting';
        return (
          <li key={step.label} class={`step step-${status}`} aria-current={status === 'active' ? 'step' : undefined}>
            <span class="step-mark" aria-hidden="true">
              {MARK[status]}
            </span>
            <span>{status === 'active' ? step.activeLabel : step.label}</span>
          </li>
        );
      })}
    </ol>
  );
}
