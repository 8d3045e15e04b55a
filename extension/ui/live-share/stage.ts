import type { PendingShare, TrackedShare } from '../../lib/porthole-state';

/**
 * Where a share is on its way, as the popup shows it:
 * the request is with the host (starting cloudflared) → cloudflared runs, no address yet →
 * address known, tunnel not yet connected → live. Ended shares are `stopped` or `failed`.
 */
export type ShareStage = 'starting-cloudflared' | 'getting-address' | 'connecting' | 'live' | 'failed' | 'stopped';

export function shareStage(tracked: TrackedShare | null, pending: PendingShare | null): ShareStage | null {
  if (tracked) {
    const { share } = tracked;
    if (share.state === 'live') return 'live';
    if (share.state === 'failed') return pending ? 'starting-cloudflared' : 'failed';
    if (share.state === 'stopped') return pending ? 'starting-cloudflared' : 'stopped';
    return share.url ? 'connecting' : 'getting-address';
  }
  return pending ? 'starting-cloudflared' : null;
}

export const STEPS = [
  { label: 'Starting cloudflared', activeLabel: 'Starting cloudflared…', activeIn: 'starting-cloudflared' },
  { label: 'Getting a public address', activeLabel: 'Getting a public address…', activeIn: 'getting-address' },
  { label: 'Live', activeLabel: 'Connecting to Cloudflare…', activeIn: 'connecting' },
] as const;

export type StepStatus = 'done' | 'active' | 'waiting';

const ORDER: ShareStage[] = ['starting-cloudflared', 'getting-address', 'connecting', 'live'];

export function stepStatuses(stage: ShareStage): StepStatus[] {
  const at = ORDER.indexOf(stage);
  return STEPS.map((step) => {
    const index = ORDER.indexOf(step.activeIn);
    return at > index ? 'done' : at === index ? 'active' : 'waiting';
  });
}
