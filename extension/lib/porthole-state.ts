import type { HostReachability } from './host-reachability';
import { type AccountStatus, type HelloResult, type HostError, isLiveShare, type Share, type ShareEvent, shareKeyOf } from './protocol';

/**
 * Everything the views show, as one serialisable value. The background owns it (share-controller.ts)
 * and publishes it in storage.session; the popup renders from it. Every function here is pure and
 * returns a new state.
 */

/** Copy the URL (the "copy automatically" setting) and/or say so in a notification (context menu). */
export interface UrlAnnouncement {
  copy: boolean;
  notify: boolean;
  /** The host restarted cloudflared: the notification says the address changed. */
  restarted?: true;
}

export interface TrackedShare {
  share: Share;
  /** The tab the share was started from; null when unknown (started elsewhere, or found by `list`). */
  tabId: number | null;
  /** What to do once the URL is known, asked for by whoever started the share; null once done. */
  whenUrlKnown: UrlAnnouncement | null;
  /** When the background copied the URL by itself (the "copy automatically" setting). */
  copiedAt: number | null;
  /**
   * The page the share was last asked for from (the tab's full URL, or the clicked link): what the
   * automatic copy and the notifications give (public-link.ts). Absent: the share's root.
   */
  pageUrl?: string;
}

/** A share request sent to the host and not answered yet: the "starting cloudflared" stage. */
export interface PendingShare {
  origin: string;
  tabId: number | null;
  since: number;
}

/** A failure to tell the person about, in the host's words (`message` says what to do). */
export interface Problem {
  message: string;
  detail?: string;
  /** The origin it concerns, when it concerns one. */
  origin: string | null;
  at: number;
  /** News rather than a failure: the share of `origin` stopped because its time was up, as asked. */
  expired?: true;
  /** News rather than a failure: cloudflared died and the host restarted it, with a new address. */
  restarted?: true;
  /** The host's error code, when the problem is a host error (error-text.ts rewords some). */
  code?: string;
}

/** What the sharer is told when cloudflared died and the host restarted the share at a new address. */
export function restartedNotice(share: Share, at: number): Problem {
  return {
    message: 'The address changed: cloudflared restarted. The old link no longer works: use the new one, already copied.',
    origin: share.origin,
    at,
    restarted: true,
  };
}

/** What the sharer is told when a share stops because its expiry came. */
export function expiredNotice(share: Share, at: number): Problem {
  return {
    message: `Sharing ${share.origin} stopped by itself: its time was up. Share again to get a new address.`,
    origin: share.origin,
    at,
    expired: true,
  };
}

export interface PortholeState {
  version: 1;
  shares: Record<string, TrackedShare>;
  /** Keyed by shareKeyOf(origin): one request in flight per local server. */
  pending: Record<string, PendingShare>;
  host: HostReachability;
  /** The host's answer to `hello` on the current connection: its version, protocol, features and cloudflared. */
  hello: HelloResult | null;
  lastError: Problem | null;
  /**
   * The Cloudflare account for stable addresses (feature `stable`), as the host last told it (a
   * reply to an account request or an `account-event`); null until asked, or from a host without
   * the feature. Kept here so the popup knows the zone without asking the host.
   */
  account?: AccountStatus | null;
}

export const INITIAL_STATE: PortholeState = {
  version: 1,
  shares: {},
  pending: {},
  host: { status: 'unknown' },
  hello: null,
  lastError: null,
  account: null,
};

export function problemFromHostError(error: HostError, origin: string | null, at: number): Problem {
  return { message: error.message, code: error.code, ...(error.detail ? { detail: error.detail } : {}), origin, at };
}

/** The key a share or a request is filed under: its local server, as the host decides it. */
function keyOf(origin: string): string {
  return shareKeyOf(origin) ?? origin;
}

export function startPending(state: PortholeState, origin: string, tabId: number | null, now: number): PortholeState {
  const lastError = state.lastError?.origin === origin ? null : state.lastError;
  return { ...state, lastError, pending: { ...state.pending, [keyOf(origin)]: { origin, tabId, since: now } } };
}

export function clearPending(state: PortholeState, origin: string): PortholeState {
  const key = keyOf(origin);
  if (!(key in state.pending)) return state;
  const { [key]: _done, ...pending } = state.pending;
  return { ...state, pending };
}

/**
 * Records a share the host told us about (a reply or an event). Keeps what we know about it
 * (its tab, the copy request) and drops ended shares of the same server, which it replaces.
 * A late message never moves a share back from stopped/failed to starting/live.
 */
export function upsertShare(
  state: PortholeState,
  share: Share,
  extras: { tabId?: number | null; whenUrlKnown?: UrlAnnouncement | null; pageUrl?: string } = {},
): PortholeState {
  const known = state.shares[share.id];
  if (known && !isLiveShare(known.share) && isLiveShare(share)) return state;
  const shares: Record<string, TrackedShare> = {};
  for (const [id, tracked] of Object.entries(state.shares)) {
    if (id !== share.id && !isLiveShare(tracked.share) && sameServer(tracked.share.origin, share.origin)) continue;
    shares[id] = tracked;
  }
  shares[share.id] = {
    share,
    tabId: extras.tabId ?? known?.tabId ?? null,
    whenUrlKnown: extras.whenUrlKnown !== undefined ? extras.whenUrlKnown : (known?.whenUrlKnown ?? null),
    copiedAt: known?.copiedAt ?? null,
  };
  const pageUrl = extras.pageUrl ?? known?.pageUrl;
  if (pageUrl !== undefined) shares[share.id] = { ...shares[share.id]!, pageUrl };
  return { ...state, shares };
}

export function removeShare(state: PortholeState, shareId: string): PortholeState {
  if (!(shareId in state.shares)) return state;
  const { [shareId]: _gone, ...shares } = state.shares;
  return { ...state, shares };
}

/**
 * A stopped share disappears (one that expired leaves a notice for its page); every other change
 * updates it.
 */
export function applyShareEvent(state: PortholeState, event: ShareEvent, now: number = event.share.endedAt ?? 0): PortholeState {
  const connected: PortholeState = state.host.status === 'connected' ? state : { ...state, host: { status: 'connected' } };
  if (event.share.state === 'stopped') {
    const removed = removeShare(connected, event.share.id);
    return event.share.stopReason === 'expired' && removed !== connected ? withProblem(removed, expiredNotice(event.share, now)) : removed;
  }
  // A stable share keeps its hostname through a restart (issue 14): nothing to re-copy or announce.
  if (event.change === 'restarted' && event.share.address !== 'stable') {
    const known = connected.shares[event.share.id];
    // The new address is copied and announced again (url-announcer.ts), as a new share's is.
    const next = upsertShare(connected, event.share, known ? { whenUrlKnown: { copy: true, notify: true, restarted: true } } : {});
    return withProblem(next, restartedNotice(event.share, now));
  }
  return upsertShare(connected, event.share);
}

/** The URL announcement was taken care of; `copiedAt` is set when it was copied. */
export function markAnnounced(state: PortholeState, shareId: string, copiedAt: number | null): PortholeState {
  const tracked = state.shares[shareId];
  if (!tracked) return state;
  return {
    ...state,
    shares: { ...state.shares, [shareId]: { ...tracked, whenUrlKnown: null, copiedAt: copiedAt ?? tracked.copiedAt } },
  };
}

function endShare(tracked: TrackedShare, message: string, now: number): TrackedShare {
  return {
    ...tracked,
    whenUrlKnown: null,
    share: { ...tracked.share, state: 'failed', endedAt: now, error: { code: 'tunnel-exited', message } },
  };
}

/**
 * Makes the state agree with the host's `list`: what the host has is the truth. A live share the
 * host no longer knows ended without us hearing of it (the browser stopped the background, whose
 * native port the host lived on, and so the host): it is shown as failed, to be restarted.
 */
export function reconcileWithList(state: PortholeState, listed: readonly Share[], now: number): PortholeState {
  const listedIds = new Set(listed.map((share) => share.id));
  const shares: Record<string, TrackedShare> = {};
  for (const [id, tracked] of Object.entries(state.shares)) {
    if (listedIds.has(id)) shares[id] = tracked;
    else if (isLiveShare(tracked.share)) {
      const reason =
        'This share ended when the browser restarted Porthole’s background, which stops the Porthole helper (porthole-host) and the tunnel with it.';
      shares[id] = endShare(tracked, reason, now);
    } else shares[id] = tracked;
  }
  let next: PortholeState = { ...state, shares, host: { status: 'connected' } };
  for (const share of listed) next = share.state === 'stopped' ? removeShare(next, share.id) : upsertShare(next, share);
  return next;
}

/** The host's port closed: its shares ended with it (the host stops every tunnel when its stdin closes). */
export function hostStopped(state: PortholeState, host: HostReachability, reason: string, now: number): PortholeState {
  const shares: Record<string, TrackedShare> = {};
  for (const [id, tracked] of Object.entries(state.shares)) {
    shares[id] = isLiveShare(tracked.share)
      ? endShare(tracked, `The Porthole helper (porthole-host) stopped (${reason}), which ended this share.`, now)
      : tracked;
  }
  // A login waiting for the user died with the host (its cloudflared with it): connect again.
  const account =
    state.account?.state === 'connecting'
      ? {
          ...state.account,
          state: 'disconnected' as const,
          loginUrl: null,
          error: { code: 'account-error' as const, message: 'The Porthole helper stopped before you picked a domain. Connect again.' },
        }
      : state.account;
  return { ...state, shares, pending: {}, host, hello: null, ...(account !== undefined ? { account } : {}) };
}

/** Forgets a failed share, or (shareId null) the last error. */
export function dismiss(state: PortholeState, shareId: string | null): PortholeState {
  if (shareId === null) return { ...state, lastError: null };
  const tracked = state.shares[shareId];
  return tracked && !isLiveShare(tracked.share) ? removeShare(state, shareId) : state;
}

/** Shares that ended on their own (cloudflared or the host stopped), newest first: each can be restarted or dismissed. */
export function failedShares(state: PortholeState): TrackedShare[] {
  return Object.values(state.shares)
    .filter((tracked) => tracked.share.state === 'failed')
    .sort((a, b) => (b.share.endedAt ?? 0) - (a.share.endedAt ?? 0));
}

export function liveShares(state: PortholeState): TrackedShare[] {
  return Object.values(state.shares)
    .filter((tracked) => isLiveShare(tracked.share))
    .sort((a, b) => a.share.startedAt - b.share.startedAt);
}

/** Whether two origins are one local server, so one share (the host's rule, shareKeyOf). */
export function sameServer(a: string, b: string): boolean {
  return keyOf(a) === keyOf(b);
}

/**
 * What the popup shows for a page: its share (live first, else the latest failed one), or the
 * request in flight for it.
 */
export function shareForOrigin(state: PortholeState, origin: string): { tracked: TrackedShare | null; pending: PendingShare | null } {
  const matching = Object.values(state.shares)
    .filter((tracked) => sameServer(tracked.share.origin, origin))
    .sort((a, b) => Number(isLiveShare(b.share)) - Number(isLiveShare(a.share)) || b.share.startedAt - a.share.startedAt);
  const pending = state.pending[keyOf(origin)] ?? null;
  return { tracked: matching[0] ?? null, pending };
}

/** Reads a stored value back, falling back to the initial state for anything unrecognisable. */
export function parseState(raw: unknown): PortholeState {
  if (typeof raw !== 'object' || raw === null) return INITIAL_STATE;
  const value = raw as Partial<PortholeState>;
  if (value.version !== 1 || typeof value.shares !== 'object' || value.shares === null) return INITIAL_STATE;
  return {
    version: 1,
    shares: value.shares,
    pending: typeof value.pending === 'object' && value.pending !== null ? value.pending : {},
    host: typeof value.host === 'object' && value.host !== null ? value.host : { status: 'unknown' },
    hello: typeof value.hello === 'object' && value.hello !== null ? value.hello : null,
    lastError: value.lastError ?? null,
    account: typeof value.account === 'object' && value.account !== null ? value.account : null,
  };
}

/** The host answered `hello`: what it is and can do, until the connection ends. */
export function withHello(state: PortholeState, hello: HelloResult): PortholeState {
  return { ...withHost(state, { status: 'connected' }), hello };
}

export function withHost(state: PortholeState, host: HostReachability): PortholeState {
  return state.host.status === host.status && (host.status === 'unknown' || host.status === 'connected') ? state : { ...state, host };
}

export function withProblem(state: PortholeState, lastError: Problem | null): PortholeState {
  return { ...state, lastError };
}

/** The host answered about the account (a reply or an `account-event`). */
export function withAccount(state: PortholeState, account: AccountStatus): PortholeState {
  return { ...state, account };
}

/** Whether the host can give stable addresses at all (it announced feature `stable` in hello). */
export function hostHasStable(state: PortholeState): boolean {
  return state.hello?.features?.includes('stable') ?? false;
}

/**
 * Where a stable share would go, when the host can make them and an account is connected: under
 * `zone` with a name of the person's choice (`cert` mode), or at the one `hostname` the dashboard
 * routes to Porthole's tunnel (`token` mode). Null: quick addresses only.
 */
export type StableTarget = { mode: 'cert'; zone: string } | { mode: 'token'; hostname: string };

export function stableTarget(state: PortholeState): StableTarget | null {
  const account = state.account;
  if (!hostHasStable(state) || account?.state !== 'connected') return null;
  if (account.mode === 'cert' && account.zone) return { mode: 'cert', zone: account.zone };
  if (account.mode === 'token' && account.tokenHostname) return { mode: 'token', hostname: account.tokenHostname };
  return null;
}
