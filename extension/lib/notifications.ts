import type { PortholeState } from './porthole-state';

/**
 * Every notification Porthole shows, built in one place. Notifications are for what happens while
 * no popup may be open: a share from the context menu, a share that died or whose time was up.
 */
export interface Notification {
  title: string;
  message: string;
}

export const NOTIFY = {
  urlCopied: (url: string, origin: string): Notification => ({
    title: 'Public address copied',
    message: `${url} now shares ${origin}. Paste it anywhere.`,
  }),
  urlReady: (url: string, origin: string): Notification => ({ title: 'Public address ready', message: `${url} now shares ${origin}.` }),
  couldNotShare: (origin: string, message: string): Notification => ({ title: `Could not share ${origin}`, message }),
  cannotSharePage: (message: string): Notification => ({ title: 'Porthole can’t share this page', message }),
  died: (origin: string, reason: string | undefined): Notification => ({
    title: `Porthole stopped sharing ${origin}`,
    message: `${reason ?? 'The tunnel ended.'} Open Porthole to restart it.`,
  }),
  restarted: (url: string, origin: string, copied: boolean): Notification => ({
    title: 'The address changed: cloudflared restarted',
    message: `${origin} is shared again at ${url}${copied ? ', copied to the clipboard' : ''}. The old link no longer works.`,
  }),
  expired: (origin: string): Notification => ({
    title: `Porthole stopped sharing ${origin}`,
    message: 'Its time was up, as you set it. Share again to get a new address.',
  }),
};

/**
 * What a change of state is worth telling the person even with no popup open: a live share that
 * ended on its own (its address stopped working), and a share whose time was up (porthole-state.ts
 * decides that, and leaves its notice).
 */
export function notificationsForChange(previous: PortholeState, next: PortholeState): Notification[] {
  const died = Object.values(next.shares)
    .filter((tracked) => tracked.share.state === 'failed' && previous.shares[tracked.share.id]?.share.state === 'live')
    .map((tracked) => NOTIFY.died(tracked.share.origin, tracked.share.error?.message));
  const notice = next.lastError;
  const expired =
    notice !== previous.lastError && notice?.expired === true && notice.origin !== null ? [NOTIFY.expired(notice.origin)] : [];
  return [...died, ...expired];
}
