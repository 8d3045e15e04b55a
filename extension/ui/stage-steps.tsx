import { STEPS, stepStatuses, type ShareStage } from './share-stage';

const MARK = { done: '✓', active: '', waiting: '' } as const;

/** The three steps of a share with the one in progress marked, so a wait never looks like a hang. */
export function StageSteps({ stage }: { stage: ShareStage }) {
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
