import type { Problem } from '../lib/share-state';

/**
 * A host error as the host worded it: `message` says what to do, `detail` is cloudflared's last word.
 * An `info` problem is news (a share whose time was up), shown quietly rather than as an alert.
 */
export function ProblemBox({ problem, onDismiss }: { problem: Pick<Problem, 'message' | 'detail' | 'tone'>; onDismiss?: () => void }) {
  const info = problem.tone === 'info';
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
