import { useEffect, useState } from 'preact/hooks';
import type { BackgroundCommands } from '../../lib/background-commands';
import { hostSetupProblem } from '../../lib/host-reachability';
import type { PortholeState } from '../../lib/porthole-state';
import type { WelcomeBrowser, WelcomeOs } from '../../lib/welcome';
import { WelcomeView } from '../../ui/welcome-view';

export interface WelcomeEnv {
  platform(): Promise<string>;
  browser: WelcomeBrowser;
  background: Pick<BackgroundCommands, 'refresh'>;
  readState(): Promise<PortholeState>;
  watchState(listener: (state: PortholeState) => void): () => void;
  writeClipboard(text: string): Promise<void>;
}

const asOs = (os: string): WelcomeOs => (os === 'linux' || os === 'mac' || os === 'win' ? os : 'other');

/**
 * The welcome page's container: asks the background to reach the helper (its connection starts with
 * `hello`), then renders from the state the background publishes, as the popup does.
 */
export function App({ env }: { env: WelcomeEnv }) {
  const [os, setOs] = useState<WelcomeOs>('other');
  const [state, setState] = useState<PortholeState | null>(null);
  const [checked, setChecked] = useState(false);
  const [copied, setCopied] = useState(false);

  const check = () => {
    setChecked(false);
    env.background
      .refresh()
      .catch(() => undefined)
      .then(() => env.readState())
      .then((next) => {
        setState(next);
        setChecked(true);
      });
  };

  useEffect(() => {
    void env.platform().then(
      (found) => setOs(asOs(found)),
      () => undefined,
    );
    const stop = env.watchState(setState);
    check();
    return stop;
  }, [env]);

  const helper = !checked || state === null ? 'checking' : { problem: hostSetupProblem(state.host, state.hello), hello: state.hello };
  return (
    <WelcomeView
      os={os}
      browser={env.browser}
      helper={helper}
      copied={copied}
      onCopy={(text) => void env.writeClipboard(text).then(() => setCopied(true))}
      onRetry={check}
    />
  );
}
