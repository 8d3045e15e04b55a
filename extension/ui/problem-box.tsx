import type { Problem } from '../lib/share-state';

/** A host error as the host worded it: `message` says what to do, `detail` is cloudflared's last word. */
export function ProblemBox({ problem, onDismiss }: { problem: Pick<Problem, 'message' | 'detail'>; onDismiss?: () => void }) {
  return (
    <div class="problem" role="alert">
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
