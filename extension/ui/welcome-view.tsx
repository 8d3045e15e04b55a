import type { HostSetupProblem } from '../lib/host-reachability';
import { INSTALL_COMMAND } from '../lib/host-reachability';
import type { HelloResult } from '../lib/protocol';
import { installerFor, pinSteps, type WelcomeBrowser, type WelcomeOs } from '../lib/welcome';

export interface WelcomeViewProps {
  os: WelcomeOs;
  browser: WelcomeBrowser;
  /** 'checking' until the background has asked the helper (hello). */
  helper: 'checking' | { problem: HostSetupProblem | null; hello: HelloResult | null };
  copied: boolean;
  onCopy: (text: string) => void;
  onRetry: () => void;
}

const OS_NAME: Record<WelcomeOs, string> = { linux: 'Linux', mac: 'macOS', win: 'Windows', other: 'this system' };

/** The welcome page as a pure function of its props: the helper's check, how to install it, how to pin. */
export function WelcomeView({ os, browser, helper, copied, onCopy, onRetry }: WelcomeViewProps) {
  const installer = installerFor(os);
  const found = helper !== 'checking' && helper.problem === null && helper.hello !== null;
  return (
    <main class="welcome">
      <h1>Welcome to Porthole</h1>
      <p>Share the localhost page in your tab with anyone, in one click. Two things to check first:</p>

      <section aria-labelledby="helper-title" class="welcome-step">
        <h2 id="helper-title">1. The Porthole helper (porthole-host)</h2>
        {helper === 'checking' ? (
          <p role="status">Looking for the Porthole helper…</p>
        ) : found ? (
          <p role="status" class="welcome-ok">
            ✓ Found: the Porthole helper {helper.hello?.version}
            {helper.hello?.cloudflared ? `, with cloudflared ${helper.hello.cloudflared.version ?? ''}`.trimEnd() : ''}. You are ready to
            share.
          </p>
        ) : helper.problem?.status === 'missing' || helper.problem === null ? (
          <div role="alert" class="welcome-missing">
            <p>
              Porthole shares pages through a small program on this computer, the Porthole helper (<code>porthole-host</code>). It is not
              set up for this browser yet. On {OS_NAME[os]}:
            </p>
            <ol>
              <li>
                Get <code>{installer.file}</code> from Porthole’s installers (<code>npm run package</code> builds them into{' '}
                <code>dist/package/</code>). {installer.how}
              </li>
              <li>
                Or, with the <code>porthole-host</code> executable at hand, register it for every browser:
                <div class="welcome-command">
                  <pre>
                    <code>{INSTALL_COMMAND}</code>
                  </pre>
                  <button type="button" onClick={() => onCopy(INSTALL_COMMAND)}>
                    {copied ? 'Copied' : 'Copy'}
                  </button>
                </div>
              </li>
            </ol>
            <button type="button" class="primary" onClick={onRetry}>
              Check again
            </button>
          </div>
        ) : (
          <div role="alert">
            <p>The Porthole helper is installed but cannot share yet: open Porthole’s button for what to do.</p>
            <button type="button" class="primary" onClick={onRetry}>
              Check again
            </button>
          </div>
        )}
      </section>

      <section aria-labelledby="pin-title" class="welcome-step">
        <h2 id="pin-title">2. Pin Porthole’s button</h2>
        <p>Pinned, its badge shows how many shares are live, so you always see when a page of yours is public.</p>
        <ol>
          {pinSteps(browser).map((step) => (
            <li key={step}>{step}</li>
          ))}
        </ol>
      </section>
    </main>
  );
}
