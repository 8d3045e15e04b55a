import { type AddressArea, choiceOf, readAddress, rememberAddress } from './address-memory';
import { describeFailure, type HostClient, type HostRequest, HostRequestError } from './host-client';
import { reachabilityAfterDisconnect } from './host-reachability';
import { createIdleDisconnect, DEFAULT_IDLE_DISCONNECT_MS } from './idle-disconnect';
import { NOTIFY, type Notification, notificationsForChange } from './notifications';
import {
  applyShareEvent,
  clearPending,
  dismiss,
  hostStopped,
  liveShares,
  type PortholeState,
  reconcileWithList,
  removeShare,
  startPending,
  type TrackedShare,
  upsertShare,
  withAccount,
  withHello,
  withHost,
  withProblem,
} from './porthole-state';
import type { Preferences } from './preferences';
import {
  type AccountStatus,
  type AddressChoice,
  checkLoopbackOrigin,
  type FolderOptions,
  type HostError,
  isLiveShare,
  MAX_EXPIRY_MINUTES,
  NO_ACCOUNT,
  type ReplyTo,
  type Share,
  type ShareSettings,
  type UploadBeginRequest,
} from './protocol';
import { requestFailure } from './request-failure';
import { createStateHolder, type StateArea } from './share-store';
import { nameOfHostname } from './stable-name';
import { createUrlAnnouncer } from './url-announcer';

/**
 * The background's commands: the single owner of the host connection and of the share state. Each
 * command asks the host and folds the answer into the state (porthole-state.ts, pure); the state is
 * kept and published by share-store.ts, the idle connection closed by idle-disconnect.ts, the
 * address copied and announced by url-announcer.ts, and every notification built by notifications.ts. All browser access comes in through `deps`,
 * so tests drive it with the real host session behind an in-memory port and WXT's fake storage.
 */

export interface ShareControllerDeps {
  client: HostClient;
  /** browser.storage.session */
  area: StateArea;
  readPreferences: () => Promise<Preferences>;
  writeClipboard: (text: string) => Promise<void>;
  notify: (notification: Notification) => Promise<void>;
  now?: () => number;
  /** How long the host connection stays open with nothing shared (idle-disconnect.ts). */
  idleDisconnectMs?: number;
  /** browser.storage.local: the address each server was last shared on (address-memory.ts). Absent: every share is quick unless asked. */
  addressArea?: AddressArea;
}

/** Account requests wait longer than shares: they call Cloudflare's API, several times for a disconnect. */
export const ACCOUNT_TIMEOUT_MS = 60_000;

export type ShareSource = 'popup' | 'context-menu';

export interface ShareController {
  /** Loads the stored state and, if it had live shares, reconciles them with the host. */
  start(): Promise<void>;
  /** Asks the host for its shares (starting it if needed); updates reachability either way. */
  refresh(): Promise<void>;
  /**
   * Starts or reuses the share of `url`'s server, with `settings` (password, expiry). A share that
   * was already running gets them through `configure`, as the host ignores a second share's settings.
   * `address`: quick or stable (issue 14), remembered for that server; absent (the context menu): the
   * one remembered for that server, quick if none.
   * Resolves with it, or null when it failed (see state).
   */
  share(
    url: string,
    tabId: number | null,
    source: ShareSource,
    settings?: ShareSettings,
    address?: AddressChoice,
  ): Promise<TrackedShare | null>;
  /**
   * Changes a running share's password or expiry (absent: unchanged, null: removed). Resolves with
   * the share as the host now has it, or null when the host refused (its sentence is in the state).
   */
  configure(shareId: string, settings: ShareSettings): Promise<TrackedShare | null>;
  /**
   * Shares a folder on this computer (a `file://` tab's folder, or one its user picked above it)
   * through the host's static server. Resolves with the share, or null when the host refused (its
   * sentence is in the state).
   */
  shareFolder(path: string, tabId: number | null, settings?: ShareSettings): Promise<TrackedShare | null>;
  /**
   * Dropped files (feature `upload`), sent by the Share files page one request at a time: begin,
   * each chunk (its reply is the progress), then end, which makes the share; or cancel. Each rejects
   * with the host's sentence, which the page shows beside the files.
   */
  uploadBegin(request: Omit<UploadBeginRequest, 'id' | 'type'>): Promise<{ uploadId: string }>;
  uploadChunk(uploadId: string, path: string, offset: number, data: string): Promise<{ receivedBytes: number }>;
  uploadEnd(uploadId: string, options?: FolderOptions, settings?: ShareSettings): Promise<TrackedShare | null>;
  uploadCancel(uploadId: string): Promise<void>;
  stop(shareId: string): Promise<void>;
  /**
   * Shares again the origin of a share that ended on its own (failed), from the same tab, with its
   * password and what was left of its time. A quick tunnel cannot be resumed: the new one has a new
   * address. Null when there is nothing to restart.
   */
  restart(shareId: string): Promise<TrackedShare | null>;
  stopAll(): Promise<void>;
  /** A tab closed: stops the shares started from it when the preference says so. */
  tabClosed(tabId: number): Promise<void>;
  dismiss(shareId: string | null): Promise<void>;
  /**
   * The Cloudflare account (feature `stable`): read it, connect one (`cloudflared tunnel login`: the
   * result's `loginUrl` is the page to open, an `account-event` follows), use a dashboard tunnel's
   * token instead, or disconnect (removing what Porthole created). Each resolves with the account as
   * the host now has it, also kept in the state; a refusal is in its `error`. Null when the host
   * could not be reached (the state's `host` says why).
   */
  account(): Promise<AccountStatus | null>;
  connect(): Promise<AccountStatus | null>;
  connectToken(token: string, hostname: string): Promise<AccountStatus | null>;
  disconnect(): Promise<AccountStatus | null>;
  getState(): PortholeState;
  subscribe(listener: (state: PortholeState) => void): () => void;
  /** Resolves once every state change so far is written to storage. */
  flush(): Promise<void>;
}

/** What a share request needs to carry: nothing for an open share that runs until stopped. */
export function settingsToSend(settings: ShareSettings | undefined): ShareSettings | undefined {
  if (!settings) return undefined;
  const sent: ShareSettings = {};
  if (typeof settings.password === 'string') sent.password = settings.password;
  if (typeof settings.expiresInMinutes === 'number') sent.expiresInMinutes = settings.expiresInMinutes;
  if (settings.keepPublicHost === true) sent.keepPublicHost = true;
  return Object.keys(sent).length > 0 ? sent : undefined;
}

/**
 * The settings a restarted share takes over from the one that ended: the password people were
 * given, the Host handling, and the time that was left (none once it has passed).
 */
export function settingsOfEndedShare(share: Share, now: number): ShareSettings | undefined {
  const left = share.expiresAt === null ? 0 : share.expiresAt - now;
  return settingsToSend({
    password: share.password,
    keepPublicHost: share.keepPublicHost,
    expiresInMinutes: left > 0 ? Math.min(left / 60_000, MAX_EXPIRY_MINUTES) : null,
  });
}

export function createShareController(deps: ShareControllerDeps): ShareController {
  const { client } = deps;
  const now = deps.now ?? Date.now;
  // Requests in flight died with the previous service worker; the host tells what became of them.
  const store = createStateHolder(deps.area, (stored) => ({ ...stored, pending: {} }));
  const state = store.get;
  const update = store.update;
  // A login waiting for the person in Cloudflare's tab is work too: closing the port would end the host and the login with it.
  const hasWork = () =>
    liveShares(state()).length > 0 || Object.keys(state().pending).length > 0 || state().account?.state === 'connecting';
  const idle = createIdleDisconnect(client, hasWork, deps.idleDisconnectMs ?? DEFAULT_IDLE_DISCONNECT_MS);
  let started: Promise<void> | null = null;

  const notify = (notification: Notification): Promise<void> =>
    deps.notify(notification).catch((error: unknown) => console.error('Porthole could not show a notification:', error));
  const announce = createUrlAnnouncer({ store, writeClipboard: deps.writeClipboard, notify, now });

  /** Every request goes through here, so the idle timer never closes the port under one. */
  function ask<R extends HostRequest>(request: R): Promise<ReplyTo<R['type']>> {
    return idle.during(() => client.request(request));
  }

  store.subscribe((next, previous) => {
    idle.check();
    for (const notification of notificationsForChange(previous, next)) void notify(notification);
  });

  // Each new connection starts with hello, so the popup knows the host's version and cloudflared before anyone shares.
  client.onConnect(() => {
    ask({ type: 'hello' }).then(
      (reply) => {
        update((current) => withHello(current, reply));
        // The account too, so the popup can offer a stable address without asking.
        if (reply.features?.includes('stable')) void askAccount({ type: 'account' });
      },
      // A host that cannot answer shows as missing or stopped through the disconnect.
      () => undefined,
    );
  });
  client.onAccountEvent((event) => update((current) => withAccount(current, event.account)));
  client.onEvent((event) => {
    update((current) => applyShareEvent(current, event, now()));
    void announce(event.share.id);
  });
  client.onDisconnect((reason) => update((current) => hostStopped(current, reachabilityAfterDisconnect(reason), reason, now())));

  /** Shows a failed request's problem; returns its sentence. */
  function recordFailure(error: unknown, origin: string | null): string {
    const { message, problem } = requestFailure(error, origin, now());
    if (problem !== null) update((current) => withProblem(current, problem));
    return message;
  }

  /** What an account request's failure leaves in the account's `error`; null for a closed port (the host's reachability shows it). */
  function accountFailure(error: unknown): HostError | null {
    if (!(error instanceof HostRequestError)) return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
    const { failure } = error;
    if (failure.kind === 'host') return failure.error;
    if (failure.kind === 'timeout') return { code: 'account-error', message: describeFailure(failure) };
    return null;
  }

  /** Asks an account request; folds the answer, or the refusal, into the state's account. */
  async function askAccount(request: HostRequest<'account' | 'connect' | 'connect-token' | 'disconnect'>): Promise<AccountStatus | null> {
    try {
      const reply = await idle.during(() => client.request(request, { timeoutMs: ACCOUNT_TIMEOUT_MS }));
      update((current) => {
        let next = withAccount(withHost(current, { status: 'connected' }), reply.account);
        if (reply.type === 'disconnect') next = reply.stopped.reduce((after, share) => removeShare(after, share.id), next);
        return next;
      });
      return reply.account;
    } catch (error) {
      const refused = accountFailure(error);
      if (refused === null) return null;
      update((current) => withAccount(current, { ...(current.account ?? NO_ACCOUNT), error: refused }));
      return state().account ?? null;
    }
  }

  async function ready(): Promise<void> {
    // Loaded once, however many commands arrive while the worker wakes.
    if (started === null) {
      started = store.load().then(async () => {
        if (liveShares(state()).length > 0) await refresh();
      });
    }
    await started;
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

  /** The address a share request asks for: the one given (then remembered for that server), else the remembered one. */
  async function chooseAddress(origin: string, given: AddressChoice | undefined): Promise<AddressChoice> {
    const area = deps.addressArea;
    if (given) {
      if (area)
        await rememberAddress(area, origin, given).catch((error: unknown) =>
          console.error('Porthole could not remember the address:', error),
        );
      return given;
    }
    return area ? choiceOf(await readAddress(area, origin).catch(() => null)) : { kind: 'quick' };
  }

  const controller: ShareController = {
    start: ready,
    async refresh() {
      await ready();
      await refresh();
    },

    async share(url, tabId, source, settings, address) {
      await ready();
      const checked = checkLoopbackOrigin(url);
      if (!checked.ok) {
        update((current) => withProblem(current, { message: checked.message, origin: null, at: now() }));
        if (source === 'context-menu') await notify(NOTIFY.cannotSharePage(checked.message));
        return null;
      }
      const { origin } = checked.value;
      const preferences = await deps.readPreferences();
      const wish = { copy: preferences.copyWhenReady, notify: source === 'context-menu' };
      update((current) => startPending(current, origin, tabId, now()));
      const sent = settingsToSend(settings);
      const chosen = await chooseAddress(origin, address);
      try {
        const reply = await ask({
          type: 'share',
          origin,
          ...(sent ? { settings: sent } : {}),
          // Quick is the default: left out, so a host without stable addresses reads the same request as before.
          ...(chosen.kind === 'stable' ? { address: chosen } : {}),
        });
        update((current) => {
          const known = current.shares[reply.share.id];
          const next = upsertShare(clearPending(withHost(current, { status: 'connected' }), origin), reply.share, {
            tabId: known?.tabId ?? tabId,
            whenUrlKnown: wish.copy || wish.notify ? wish : null,
            pageUrl: url,
          });
          return reply.share.state === 'stopped' ? removeShare(next, reply.share.id) : next;
        });
        await announce(reply.share.id);
        // A stable share may have created the tunnel and routed a hostname: the options page lists both.
        if (reply.share.address === 'stable') void askAccount({ type: 'account' });
        // The host ignores settings for a server it already shares: they are applied to that share.
        if (reply.existing && sent && isLiveShare(reply.share)) return await controller.configure(reply.share.id, sent);
        return state().shares[reply.share.id] ?? null;
      } catch (error) {
        update((current) => clearPending(current, origin));
        const message = recordFailure(error, origin);
        if (source === 'context-menu') await notify(NOTIFY.couldNotShare(origin, message));
        return null;
      }
    },

    async configure(shareId, settings) {
      await ready();
      const origin = state().shares[shareId]?.share.origin ?? null;
      try {
        const reply = await ask({ type: 'configure', shareId, settings });
        update((current) => {
          const next = upsertShare(withHost(current, { status: 'connected' }), reply.share);
          return origin !== null && next.lastError?.origin === origin ? withProblem(next, null) : next;
        });
        return state().shares[reply.share.id] ?? null;
      } catch (error) {
        recordFailure(error, origin);
        return null;
      }
    },

    async shareFolder(path, tabId, settings) {
      await ready();
      const preferences = await deps.readPreferences();
      const sent = settingsToSend(settings);
      try {
        const reply = await ask(sent ? { type: 'share-folder', path, settings: sent } : { type: 'share-folder', path });
        update((current) => {
          const known = current.shares[reply.share.id];
          const next = upsertShare(withProblem(withHost(current, { status: 'connected' }), null), reply.share, {
            tabId: known?.tabId ?? tabId,
            whenUrlKnown: preferences.copyWhenReady ? { copy: true, notify: false } : null,
          });
          return reply.share.state === 'stopped' ? removeShare(next, reply.share.id) : next;
        });
        await announce(reply.share.id);
        if (reply.existing && sent && isLiveShare(reply.share)) return await controller.configure(reply.share.id, sent);
        return state().shares[reply.share.id] ?? null;
      } catch (error) {
        recordFailure(error, null);
        return null;
      }
    },

    async uploadBegin(request) {
      await ready();
      const reply = await ask({ type: 'upload-begin', ...request });
      return { uploadId: reply.uploadId };
    },

    async uploadChunk(uploadId, path, offset, data) {
      const reply = await ask({ type: 'upload-chunk', uploadId, path, offset, data });
      return { receivedBytes: reply.receivedBytes };
    },

    async uploadEnd(uploadId, options, settings) {
      await ready();
      const preferences = await deps.readPreferences();
      const sent = settingsToSend(settings);
      // Unpacking a large .zip takes longer than an ordinary request may.
      const reply = await idle.during(() =>
        client.request(
          { type: 'upload-end', uploadId, ...(options ? { options } : {}), ...(sent ? { settings: sent } : {}) },
          { timeoutMs: 180_000 },
        ),
      );
      update((current) =>
        upsertShare(withHost(current, { status: 'connected' }), reply.share, {
          whenUrlKnown: preferences.copyWhenReady ? { copy: true, notify: false } : null,
        }),
      );
      await announce(reply.share.id);
      return state().shares[reply.share.id] ?? null;
    },

    async uploadCancel(uploadId) {
      await ask({ type: 'upload-cancel', uploadId });
    },

    async stop(shareId) {
      await ready();
      try {
        const reply = await ask({ type: 'stop', shareId });
        update((current) => removeShare(current, reply.share.id));
      } catch (error) {
        recordFailure(error, state().shares[shareId]?.share.origin ?? null);
      }
    },

    async restart(shareId) {
      await ready();
      const tracked = state().shares[shareId];
      if (!tracked || isLiveShare(tracked.share)) return null;
      // From the page it was shared from, so the new address is copied with that page's path; a
      // stable share on its own hostname again.
      const { share } = tracked;
      const address: AddressChoice =
        share.address === 'stable' && share.hostname ? { kind: 'stable', name: nameOfHostname(share.hostname) } : { kind: 'quick' };
      return controller.share(tracked.pageUrl ?? share.origin, tracked.tabId, 'popup', settingsOfEndedShare(share, now()), address);
    },

    async stopAll() {
      await ready();
      try {
        const reply = await ask({ type: 'stop-all' });
        update((current) => reply.shares.reduce((next, share) => removeShare(next, share.id), current));
      } catch (error) {
        recordFailure(error, null);
      }
    },

    async tabClosed(tabId) {
      await ready();
      const fromTab = liveShares(state()).filter((tracked) => tracked.tabId === tabId);
      if (fromTab.length === 0) return;
      if (!(await deps.readPreferences()).stopWhenTabCloses) return;
      for (const tracked of fromTab) await controller.stop(tracked.share.id);
    },

    async dismiss(shareId) {
      await ready();
      update((current) => dismiss(current, shareId));
    },

    async account() {
      await ready();
      // A host known not to have the feature would only answer "cannot": the options page says to update it.
      const features = state().hello?.features;
      if (state().hello !== null && !features?.includes('stable')) return null;
      return askAccount({ type: 'account' });
    },
    async connect() {
      await ready();
      return askAccount({ type: 'connect' });
    },
    async connectToken(token, hostname) {
      await ready();
      return askAccount({ type: 'connect-token', token, hostname });
    },
    async disconnect() {
      await ready();
      return askAccount({ type: 'disconnect' });
    },

    getState: state,
    subscribe: (listener) => store.subscribe((next) => listener(next)),
    flush: store.flush,
  };
  return controller;
}
