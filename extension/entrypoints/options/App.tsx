import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { PortholeState } from '../../lib/porthole-state';
import { type Preferences, readPreferences, writePreferences } from '../../lib/preferences';
import type { AccountActions, AccountBusy } from '../../ui/account-section';
import { OptionsView } from '../../ui/options-view';
import type { OptionsEnv } from './options-env';

const COPIED_FOR_MS = 2000;

/**
 * Reads the preferences from storage.sync and writes each change at once; shows the Cloudflare
 * account from the background's state and sends the account commands (the outcome comes back
 * through the state, where the background also puts the host's `account-event`s).
 */
export function App({ env }: { env: OptionsEnv }) {
  const [preferences, setPreferences] = useState<Preferences | null>(null);
  const [state, setState] = useState<PortholeState | null>(null);
  const [busy, setBusy] = useState<AccountBusy>(null);
  const [copied, setCopied] = useState(false);
  const [localError, setLocalError] = useState<string | null>(null);
  const current = useRef<Preferences | null>(null);
  const copiedTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    let live = true;
    void readPreferences(env.preferences).then((stored) => {
      current.current = stored;
      if (live) setPreferences(stored);
    });
    const stop = env.watchState((next) => live && setState(next));
    void env.readState().then((stored) => live && setState((known) => known ?? stored));
    // Starts the host if it is not running (its hello says whether it can make stable addresses),
    // then reads the account afresh: stable shares since may have created the tunnel and routed names.
    env.background
      .refresh()
      .then(() => env.background.account())
      .catch((error: unknown) => live && setLocalError(String(error)));
    return () => {
      live = false;
      stop();
      clearTimeout(copiedTimer.current);
    };
  }, [env]);

  const change = (patch: Partial<Preferences>) => {
    if (!current.current) return;
    const next = { ...current.current, ...patch };
    current.current = next;
    setPreferences(next);
    void writePreferences(env.preferences, next);
  };

  const actions = useMemo<AccountActions>(() => {
    const run = (what: Exclude<AccountBusy, null>, task: () => Promise<unknown>) => {
      setBusy(what);
      setLocalError(null);
      task()
        .catch((error: unknown) => setLocalError(error instanceof Error ? error.message : String(error)))
        .finally(() => setBusy(null));
    };
    return {
      connect: () =>
        run('connect', async () => {
          const account = await env.background.connect();
          // cloudflared printed the page where the person picks the zone: it opens beside this one.
          if (account?.state === 'connecting' && account.loginUrl) env.openTab(account.loginUrl);
        }),
      connectToken: (token, hostname) => run('connect-token', () => env.background.connectToken(token, hostname)),
      disconnect: () => run('disconnect', () => env.background.disconnect()),
      open: (url) => env.openTab(url),
      copy: (text) => {
        env.writeClipboard(text).then(
          () => {
            setCopied(true);
            clearTimeout(copiedTimer.current);
            copiedTimer.current = setTimeout(() => setCopied(false), COPIED_FOR_MS);
          },
          (error: unknown) =>
            setLocalError(`Could not copy: ${error instanceof Error ? error.message : String(error)}. Select it and copy it by hand.`),
        );
      },
    };
  }, [env]);

  return <OptionsView preferences={preferences} onChange={change} account={{ state, busy, copied, actions }} localError={localError} />;
}
