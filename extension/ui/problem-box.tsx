import { describeHostError, ERROR_ACTION_LABEL, type ErrorAction, splitLinks } from '../lib/error-text';
import type { Problem } from '../lib/porthole-state';
import { formatClock } from './format-duration';

/** A sentence with its web addresses as links (opened in a new tab), and long paths free to wrap. */
export function Linked({ text }: { text: string }) {
  return (
    <>
      {splitLinks(text).map((part, index) =>
        part.href ? (
          <a key={index} href={part.href} target="_blank" rel="noreferrer">
            {part.text}
          </a>
        ) : (
          part.text
        ),
      )}
    </>
  );
}

export type ShownProblem = Pick<Problem, 'message' | 'detail' | 'expired' | 'restarted' | 'code'> & { at?: number | null };

/**
 * A host error as the host worded it (or as error-text.ts rewords it): `message` says what to do,
 * cloudflared's raw line is folded under "Details". News rather than a failure (an expiry, an
 * automatic restart) is shown quietly, not as an alert.
 */
export function ProblemBox({
  problem,
  onDismiss,
  onAction,
}: {
  problem: ShownProblem;
  onDismiss?: () => void;
  /** Carries out the one thing to do that error-text.ts names for the error (open the options, pick another name); absent: not offered. */
  onAction?: (action: ErrorAction) => void;
}) {
  const info = problem.expired === true || problem.restarted === true;
  const text = describeHostError(problem, problem.at ?? null);
  return (
    <div class={info ? 'problem notice' : 'problem'} role={info ? 'status' : 'alert'} data-code={problem.code}>
      <p class="problem-message">
        <Linked text={text.message} />
        {text.retryAt !== null ? <span class="retry-at"> Worth trying again from {formatClock(text.retryAt, false)}.</span> : null}
      </p>
      {text.detail ? (
        <details class="problem-details">
          <summary>Details</summary>
          <p class="problem-detail">
            <Linked text={text.detail} />
          </p>
        </details>
      ) : null}
      {text.action && onAction ? (
        <button type="button" class="link-button problem-action" onClick={() => text.action && onAction(text.action)}>
          {ERROR_ACTION_LABEL[text.action]}
        </button>
      ) : null}
      {onDismiss ? (
        <button type="button" class="link-button" onClick={onDismiss}>
          Dismiss
        </button>
      ) : null}
    </div>
  );
}
