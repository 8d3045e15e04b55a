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

/** After this long on the way, the popup says it is taking longer than usual (a share is live in 2–5 s). */
export const SLOW_AFTER_MS = 10_000;

/** What a slow stage is waiting for, in the words of "Taking longer than usual… <this>". */
export const WAITING_FOR: Record<'starting-cloudflared' | 'getting-address' | 'connecting', string> = {
  'starting-cloudflared': 'waiting for the Porthole helper (porthole-host) to start cloudflared.',
  'getting-address': 'waiting for trycloudflare.com to hand out an address; Porthole gives up after 45 s.',
  connecting: 'waiting for cloudflared to connect to Cloudflare’s network.',
};

/**
 * The "taking longer than usual" line for a stage on its way since `since`, or null while all is on
 * time. `hostname`: a stable share's (issue 14), which waits for its DNS route, not for trycloudflare.com.
 */
export function slowNotice(stage: ShareStage, since: number | null, now: number, hostname: string | null = null): string | null {
  if (since === null || now - since < SLOW_AFTER_MS) return null;
  if (stage !== 'starting-cloudflared' && stage !== 'getting-address' && stage !== 'connecting') return null;
  if (hostname !== null && stage === 'getting-address')
    return `Taking longer than usual… waiting for Cloudflare to route ${hostname} to Porthole’s tunnel.`;
  return `Taking longer than usual… ${WAITING_FOR[stage]}`;
}
