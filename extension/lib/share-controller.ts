import { describeFailure, HostRequestError, type HostClient, type HostRequest } from './host-client';
import { reachabilityAfterDisconnect } from './host-reachability';
import { checkLoopbackOrigin, isLiveShare, MAX_EXPIRY_MINUTES, type ReplyTo, type Share, type ShareEvent, type ShareSettings } from './protocol';
import type { Preferences } from './preferences';
import {
  applyShareEvent,
  clearPending,
  dismiss,
  hostStopped,
  INITIAL_STATE,
  liveShares,
  markAnnounced,
  sharesThatDied,
  problemFromHostError,
  reconcileWithList,
  removeShare,
  startPending,
  upsertShare,
  withHost,
  withProblem,
  type PortholeState,
  type TrackedShare,
} from './share-state';
import { readState, writeState, type StateArea } from './share-store';

/**
 * The background's share logic: the single owner of the host connection and of the share state.
 * It keeps the state in memory, writes every change to storage.session (so a restarted service
 * worker and every popup see the same), and tells subscribers (the badge). All browser access comes
 * in through `deps`, so tests drive it with a fake port and WXT's fake storage.
 */

export interface ShareControllerDeps {
  client: HostClient;
  /** browser.storage.session */
  area: StateArea;
  readPreferences: () => Promise<Preferences>;
  writeClipboard: (text: string) => Promise<void>;
  notify: (notification: { title: string; message: string }) => Promise<void>;
  now?: () => number;
  /**
   * Close the host connection after this long with nothing shared, so no idle host process stays
   * behind (and Chromium may let the service worker sleep). The next request reopens it.
   */
  idleDisconnectMs?: number;
}

export type ShareSource = 'popup' | 'context-menu';

export const DEFAULT_IDLE_DISCONNECT_MS = 60_000;


export interface ShareController {
  /** Loads the stored state and, if it had live shares, reconciles them with the host. */
  start(): Promise<void>;
  /** Asks the host for its shares (starting it if needed); updates reachability either way. */
  refresh(): Promise<void>;
  /**
   * Starts or reuses the share of `url`'s origin, with `options` (password, expiry). A share that
   * was already running gets them through `configure`, as the host ignores a second share's options.
   * Resolves with it, or null when it failed (see state).
   */
  share(url: string, tabId: number | null, source: ShareSource, options?: ShareSettings): Promise<TrackedShare | null>;
  /**
   * Changes a running share's password or expiry (absent: unchanged, null: removed). Resolves with
   * the share as the host now has it, or null when the host refused (its sentence is in the state).
   */
  configure(shareId: string, settings: ShareSettings): Promise<TrackedShare | null>;
  stop(shareId: string): Promise<void>;
  /**
   * Shares again the origin of a share that ended on its own (failed), from the same tab, with its
   * password and what was left of its time. A quick tunnel cannot be resumed: the new one has a new
   * address. Null when there is nothing to restart.
   */
  restart(shareId: string): Promise<TrackedShare | null>;
  stopAll(): Promise<void>;
  /** A tab closed: stops the shares started from it when the setting says so. */
  tabClosed(tabId: number): Promise<void>;
  dismiss(shareId: string | null): Promise<void>;
  getState(): PortholeState;
  subscribe(listener: (state: PortholeState) => void): () => void;
  /** Resolves once every state change so far is written to storage. */
  flush(): Promise<void>;
}

/** What a share request needs to carry: nothing for an open share that runs until stopped. */
export function shareOptionsToSend(options: ShareSettings | undefined): ShareSettings | undefined {
  if (!options) return undefined;
  const sent: ShareSettings = {};
  if (typeof options.password === 'string') sent.password = options.password;
  if (typeof options.expiresInMinutes === 'number') sent.expiresInMinutes = options.expiresInMinutes;
  if (options.keepPublicHost === true) sent.keepPublicHost = true;
  return Object.keys(sent).length > 0 ? sent : undefined;
}

/**
 * The settings a restarted share takes over from the one that ended: the password people were
 * given, the Host handling, and the time that was left (none once it has passed).
 */
export function settingsOfEndedShare(share: Share, now: number): ShareSettings | undefined {
  const left = share.expiresAt == null ? 0 : share.expiresAt - now;
  return shareOptionsToSend({
    password: share.password ?? null,
    keepPublicHost: share.keepPublicHost ?? false,
    expiresInMinutes: left > 0 ? Math.min(left / 60_000, MAX_EXPIRY_MINUTES) : null,
  });
}

export function createShareController(deps: ShareControllerDeps): ShareController {
  const { client, area } = deps;
  const now = deps.now ?? Date.now;
  const idleDisconnectMs = deps.idleDisconnectMs ?? DEFAULT_IDLE_DISCONNECT_MS;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  let busy = 0;
  let state: PortholeState = INITIAL_STATE;
  let writing: Promise<void> = Promise.resolve();
  const listeners = new Set<(state: PortholeState) => void>();
  let started: Promise<void> | null = null;

  /** Arms the idle timer when the host is connected with nothing to do, and disarms it otherwise. */
  function watchIdle(): void {
    const idle = busy === 0 && client.connected && liveShares(state).length === 0 && Object.keys(state.pending).length === 0;
    if (!idle) {
      clearTimeout(idleTimer);
      idleTimer = undefined;
    } else if (idleTimer === undefined) {
      idleTimer = setTimeout(() => {
        idleTimer = undefined;
        if (busy === 0 && liveShares(state).length === 0) client.disconnect();
      }, idleDisconnectMs);
    }
  }

  /** Runs one operation that talks to the host; the idle timer waits for it. */
  async function working<T>(operation: () => Promise<T>): Promise<T> {
    busy++;
    watchIdle();
    try {
      return await operation();
    } finally {
      busy--;
      watchIdle();
    }
  }

  /** Every request goes through here, so the idle timer never closes the port under one. */
  function ask<R extends HostRequest>(request: R): Promise<ReplyTo<R['type']>> {
    return working(() => client.request(request));
  }

  function update(change: (current: PortholeState) => PortholeState): void {
    const previous = state;
    const next = change(previous);
    if (next === previous) return;
    state = next;
    writing = writing
      .then(() => writeState(area, state))
      .catch((error: unknown) => console.error('Porthole could not save its state:', error));
    for (const listener of [...listeners]) listener(state);
    watchIdle();
    for (const died of sharesThatDied(previous, next)) void tellDied(died);
  }

  /** A live share ended on its own: its address stopped working, so say so even with no popup open. */
  async function tellDied(tracked: TrackedShare): Promise<void> {
    const { origin, error } = tracked.share;
    await deps
      .notify({
        title: `Porthole stopped sharing ${origin}`,
        message: `${error?.message ?? 'The tunnel ended.'} Open Porthole to restart it.`,
      })
      .catch((notifyError: unknown) => console.error('Porthole could not show a notification:', notifyError));
  }

  client.onEvent((event: ShareEvent) => {
    const expired = event.share.state === 'stopped' && event.share.stopReason === 'expired' && event.share.id in state.shares;
    update((current) => applyShareEvent(current, event, now()));
    if (expired) void tellExpired(event.share.origin);
    void announce(event.share.id);
  });

  /** A share stopped when its time was up, as asked; its address no longer works. */
  async function tellExpired(origin: string): Promise<void> {
    await deps
      .notify({ title: `Porthole stopped sharing ${origin}`, message: 'Its time was up, as you set it. Share again to get a new address.' })
      .catch((notifyError: unknown) => console.error('Porthole could not show a notification:', notifyError));
  }

  client.onDisconnect((reason) => {
    const host = reachabilityAfterDisconnect(reason);
    update((current) => hostStopped(current, host, reason, now()));
  });

  /** Records what a failed request means for the person: a setup problem, or an error sentence. */
  function recordFailure(error: unknown, origin: string | null): string {
    if (error instanceof HostRequestError) {
      const { failure } = error;
      if (failure.kind === 'host') {
        update((current) => withProblem(current, problemFromHostError(failure.error, origin, now())));
      } else if (failure.kind === 'timeout') {
        update((current) => withProblem(current, { message: describeFailure(failure), origin, at: now() }));
      }
      // 'disconnected': the onDisconnect listener has already recorded the host's reachability.
      return error.message;
    }
    const message = error instanceof Error ? error.message : String(error);
    update((current) => withProblem(current, { message, origin, at: now() }));
    return message;
  }

  /** Copies and/or announces a share's URL once it is known, as asked when it was started. */
  async function announce(shareId: string): Promise<void> {
    const tracked = state.shares[shareId];
    const wish = tracked?.whenUrlKnown;
    if (!tracked || !wish) return;
    if (!isLiveShare(tracked.share)) {
      update((current) => markAnnounced(current, shareId, null));
      if (wish.notify && tracked.share.error) {
        await deps.notify({ title: `Could not share ${tracked.share.origin}`, message: tracked.share.error.message });
      }
      return;
    }
    const url = tracked.share.url;
    if (!url) return;
    // Taken synchronously, so a reply and an event arriving together copy once.
    update((current) => markAnnounced(current, shareId, null));
    let copied = false;
    if (wish.copy) {
      try {
        await deps.writeClipboard(url);
        copied = true;
        update((current) => markAnnounced(current, shareId, now()));
      } catch (error) {
        console.error('Porthole could not copy the public address:', error);
      }
    }
    if (wish.notify) {
      await deps.notify(
        copied
          ? { title: 'Public address copied', message: `${url} now shares ${tracked.share.origin}. Paste it anywhere.` }
          : { title: 'Public address ready', message: `${url} now shares ${tracked.share.origin}.` },
      );
    }
  }

  async function ready(): Promise<void> {
    await (started ??= load());
  }

  async function load(): Promise<void> {
    const stored = await readState(area);
    // Requests in flight died with the previous service worker; the host tells what became of them.
    state = { ...stored, pending: {} };
    for (const listener of [...listeners]) listener(state);
    if (liveShares(state).length > 0) await refresh();
  }

  async function refresh(): Promise<void> {
    try {
      const reply = await ask({ type: 'list' });
      update((current) => reconcileWithList(current, reply.shares, now()));
    } catch (error) {
      if (error instanceof HostRequestError && error.failure.kind === 'timeout') {
        update((current) => withHost(current, { status: 'unreachable', reason: error.message }));
      } else recordFailure(error, null);
    }
  }

  return {
    start: ready,
    async refresh() {
      await ready();
      await refresh();
    },

    async share(url, tabId, source, options) {
      await ready();
      const checked = checkLoopbackOrigin(url);
      if (!checked.ok) {
        update((current) => withProblem(current, { message: checked.message, origin: null, at: now() }));
        if (source === 'context-menu') await deps.notify({ title: 'Porthole can’t share this page', message: checked.message });
        return null;
      }
      const { origin } = checked.value;
      const preferences = await deps.readPreferences();
      const wish = { copy: preferences.copyWhenReady, notify: source === 'context-menu' };
      update((current) => startPending(current, origin, tabId, now()));
      const sent = shareOptionsToSend(options);
      try {
        const reply = await ask(sent ? { type: 'share', origin, settings: sent } : { type: 'share', origin });
        update((current) => {
          const known = current.shares[reply.share.id];
          const next = upsertShare(clearPending(withHost(current, { status: 'connected' }), origin), reply.share, {
            tabId: known?.tabId ?? tabId,
            whenUrlKnown: wish.copy || wish.notify ? wish : null,
          });
          return reply.share.state === 'stopped' ? removeShare(next, reply.share.id) : next;
        });
        await announce(reply.share.id);
        // The host ignores options for an origin it already shares: they are applied to that share.
        if (reply.existing && sent && isLiveShare(reply.share)) return await this.configure(reply.share.id, sent);
        return state.shares[reply.share.id] ?? null;
      } catch (error) {
        update((current) => clearPending(current, origin));
        const message = recordFailure(error, origin);
        if (source === 'context-menu') await deps.notify({ title: `Could not share ${origin}`, message });
        return null;
      }
    },

    async configure(shareId, settings) {
      await ready();
      const origin = state.shares[shareId]?.share.origin ?? null;
      try {
        const reply = await ask({ type: 'configure', shareId, settings });
        update((current) => {
          const next = upsertShare(withHost(current, { status: 'connected' }), reply.share);
          return origin !== null && next.lastError?.origin === origin ? withProblem(next, null) : next;
        });
        return state.shares[reply.share.id] ?? null;
      } catch (error) {
        recordFailure(error, origin);
        return null;
      }
    },

    async stop(shareId) {
      await ready();
      try {
        const reply = await ask({ type: 'stop', shareId });
        update((current) => removeShare(current, reply.share.id));
      } catch (error) {
        recordFailure(error, state.shares[shareId]?.share.origin ?? null);
      }
    },

    async restart(shareId) {
      await ready();
      const tracked = state.shares[shareId];
      if (!tracked || isLiveShare(tracked.share)) return null;
      return this.share(tracked.share.origin, tracked.tabId, 'popup', settingsOfEndedShare(tracked.share, now()));
    },

    async stopAll() {
      await ready();
      try {
        const reply = await ask({ type: 'stop-all' });
        update((current) => {
          let next = current;
          for (const share of reply.shares) next = removeShare(next, share.id);
          return next;
        });
      } catch (error) {
        recordFailure(error, null);
      }
    },

    async tabClosed(tabId) {
      await ready();
      const fromTab = liveShares(state).filter((tracked) => tracked.tabId === tabId);
      if (fromTab.length === 0) return;
      if (!(await deps.readPreferences()).stopWhenTabCloses) return;
      for (const tracked of fromTab) await this.stop(tracked.share.id);
    },

    async dismiss(shareId) {
      await ready();
      update((current) => dismiss(current, shareId));
    },

    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    flush: () => writing,
  };
}
