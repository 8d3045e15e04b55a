import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { RememberedAddress } from '../../lib/address-memory';
import { BACKGROUND_COMMANDS } from '../../lib/background-commands';
import { liveShares, type PortholeState } from '../../lib/porthole-state';
import type { PageInfo } from '../../ui/page-info';
import type { CopiedMark, PopupActions } from '../../ui/popup-actions';
import { PopupView } from '../../ui/popup-view';
import type { PopupEnv } from './popup-env';

/** Marked once the popup first shows real state: the e2e test reads it to time the popup. */
export const FIRST_STATE_PAINT_MARK = 'porthole:first-state-paint';
const COPIED_FOR_MS = 2000;

/** The popup's container: reads the state, keeps it fresh, and turns clicks into requests. */
export function App({ env }: { env: PopupEnv }) {
  const [page, setPage] = useState<PageInfo>({ kind: 'loading' });
  const [state, setState] = useState<PortholeState | null>(null);
  const [now, setNow] = useState(() => env.now());
  const [copied, setCopied] = useState<CopiedMark | null>(null);
  const [localError, setLocalError] = useState<string | null>(null);
  const [remembered, setRemembered] = useState<RememberedAddress | null | undefined>(undefined);
  const copiedTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const painted = useRef(false);

  useEffect(() => {
    let live = true;
    const stop = env.watchState((next) => live && setState(next));
    void env.findPage().then((found) => live && setPage(found));
    void env.readState().then((stored) => live && setState((current) => current ?? stored));
    // Opening the popup reconciles with the host, so a host installed meanwhile is found.
    env.background.refresh().catch((error: unknown) => live && setLocalError(String(error)));
    return () => {
      live = false;
      stop();
      clearTimeout(copiedTimer.current);
    };
  }, [env]);

  // What this tab's server was last shared on: the share form starts from it.
  const pageOrigin = page.kind === 'loopback' ? page.origin : null;
  useEffect(() => {
    if (pageOrigin === null) return;
    let live = true;
    env.readAddress(pageOrigin).then(
      (found) => live && setRemembered(found),
      () => live && setRemembered(null),
    );
    return () => {
      live = false;
    };
  }, [env, pageOrigin]);

  const ready = state !== null && page.kind !== 'loading';
  useEffect(() => {
    if (!ready || painted.current) return;
    painted.current = true;
    requestAnimationFrame(() => performance.mark(FIRST_STATE_PAINT_MARK));
  }, [ready]);

  // Durations tick while something is shared or on its way (the "taking longer" notice).
  const hasShares = state !== null && (liveShares(state).length > 0 || Object.keys(state.pending).length > 0);
  useEffect(() => {
    if (!hasShares) return;
    const timer = setInterval(() => setNow(env.now()), 1000);
    return () => clearInterval(timer);
  }, [env, hasShares]);

  const actions = useMemo<PopupActions>(() => {
    // Host failures arrive through the state; this catches a background that could not run a command.
    const run = (task: Promise<unknown>) => {
      setLocalError(null);
      task.catch((error: unknown) => setLocalError(error instanceof Error ? error.message : String(error)));
    };
    const commands = Object.fromEntries(
      BACKGROUND_COMMANDS.map((name) => [
        name,
        (...args: unknown[]) => run((env.background[name] as (...args: unknown[]) => Promise<unknown>)(...args)),
      ]),
    ) as unknown as Omit<PopupActions, 'share' | 'retry' | 'copy' | 'copyPassword' | 'open' | 'openOptions'>;
    const copy = (mark: CopiedMark, text: string) => {
      env.writeClipboard(text).then(
        () => {
          setLocalError(null);
          setCopied(mark);
          clearTimeout(copiedTimer.current);
          copiedTimer.current = setTimeout(() => setCopied(null), COPIED_FOR_MS);
        },
        (error: unknown) => {
          const instead = mark.what === 'url' ? 'Select the address and copy it by hand.' : 'Try again.';
          setLocalError(`Could not copy: ${error instanceof Error ? error.message : String(error)}. ${instead}`);
        },
      );
    };
    return {
      ...commands,
      share: (settings, address) => {
        if (page.kind !== 'loopback') return;
        // The popup always says which address: the background remembers it for this server.
        run(env.background.share(page.url ?? page.origin, page.tabId, 'popup', settings, address ?? { kind: 'quick' }));
        if (address)
          setRemembered((before) => ({
            kind: address.kind,
            name: address.kind === 'stable' ? (address.name ?? null) : (before?.name ?? null),
          }));
      },
      shareFolder: (folder, settings) => {
        if (page.kind === 'file') run(env.background.shareFolder(folder, page.tabId, settings));
      },
      retry: () => run(env.background.refresh()),
      // Relative to the extension's origin, in Chromium and Firefox alike.
      openShareFiles: () => env.openTab('/share-files.html'),
      open: (url) => env.openTab(url),
      openOptions: () => env.openOptions(),
      copy: (shareId, url) => copy({ shareId, what: 'url' }, url),
      copyPassword: (shareId, password) => copy({ shareId, what: 'password' }, password),
    };
  }, [env, page]);

  return (
    <PopupView page={page} state={state} now={now} copied={copied} localError={localError} actions={actions} remembered={remembered} />
  );
}
