import type { Problem } from '../lib/porthole-state';

/**
 * A host error as the host worded it: `message` says what to do, `detail` is cloudflared's last word.
 * An expiry notice is news rather than a failure: shown quietly, not as an alert.
 */
export function ProblemBox({ problem, onDismiss }: { problem: Pick<Problem, 'message' | 'detail' | 'expired'>; onDismiss?: () => void }) {
  const info = problem.expired === true;
  return (
    <div class={info ? 'problem notice' : 'problem'} role={info ? 'status' : 'alert'}>
      <p class="problem-message">{problem.message}</p>
      {problem.detail ? <p class="problem-detail">{problem.detail}</p> : null}
      {onDismiss ? (
        <button type="button" class="link-button" onClick={onDismiss}>
          Dismiss
        </button>
      ) : null}
    </div>
  );
}
