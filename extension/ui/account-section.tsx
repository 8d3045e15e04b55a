import { useState } from 'preact/hooks';
import type { ErrorAction } from '../lib/error-text';
import type { PortholeState } from '../lib/porthole-state';
import type { AccountStatus } from '../lib/protocol';
import { accountView, disconnectConsequences } from './account-view';
import { ProblemBox } from './problem-box';

/** What the section's buttons ask for; the options page's container provides them. */
export interface AccountActions {
  connect(): void;
  connectToken(token: string, hostname: string): void;
  disconnect(): void;
  copy(text: string): void;
  open(url: string): void;
}

/** The account command sent and not answered yet: its button waits. */
export type AccountBusy = 'connect' | 'connect-token' | 'disconnect' | null;

export interface AccountSectionProps {
  state: PortholeState | null;
  busy: AccountBusy;
  /** The token mode's service address was just copied. */
  copied: boolean;
  actions: AccountActions;
}

/**
 * The options page's "Stable addresses" (issue 14): what connecting a Cloudflare account needs and
 * creates, the login in progress, the connected zone with what Porthole created there, Disconnect
 * after saying exactly what goes, and token mode for tunnels managed in the dashboard. A pure view
 * of the background's state (account-view.ts).
 */
export function AccountSection({ state, busy, copied, actions }: AccountSectionProps) {
  const view = accountView(state);
  return (
    <section class="account" aria-labelledby="stable-title">
      <h2 id="stable-title">Stable addresses</h2>
      {view.kind === 'checking' ? (
        <p class="muted" role="status">
          Asking the Porthole helper about your Cloudflare account…
        </p>
      ) : view.kind === 'no-host' ? (
        <p>
          Stable addresses are made by the Porthole helper (porthole-host), which is not running. Open Porthole’s popup on a localhost tab:
          it says how to install it.
        </p>
      ) : view.kind === 'old-host' ? (
        <p class="update-host">
          Your Porthole helper (version {view.version}) cannot make stable addresses yet. Update it (reinstall Porthole, or run{' '}
          <code>porthole-host install</code> from the new version), then reopen this page.
        </p>
      ) : view.kind === 'disconnected' ? (
        <Disconnected account={view.account} busy={busy} actions={actions} />
      ) : view.kind === 'connecting' ? (
        <Connecting account={view.account} busy={busy} actions={actions} />
      ) : view.kind === 'connected-cert' ? (
        <ConnectedCert account={view.account} busy={busy} actions={actions} />
      ) : (
        <ConnectedToken account={view.account} busy={busy} copied={copied} actions={actions} />
      )}
    </section>
  );
}

function AccountProblem({ account, actions }: { account: AccountStatus | null; actions: AccountActions }) {
  if (!account?.error) return null;
  // Every way out of an account error here is connecting (again): the button is right below.
  const onAction = (action: ErrorAction) => (action === 'connect' || action === 'open-options' ? actions.connect() : undefined);
  return <ProblemBox problem={account.error} onAction={onAction} />;
}

function Disconnected({ account, busy, actions }: { account: AccountStatus | null; busy: AccountBusy; actions: AccountActions }) {
  return (
    <>
      <p>
        Quick addresses (<code>….trycloudflare.com</code>) change every time you share. With a free Cloudflare account that has a domain on
        it, Porthole gives each local server a stable address on your domain, such as <code>myapp.example.com</code>: the same tomorrow, so
        bookmarks, webhooks and OAuth redirects keep working.
      </p>
      <p>
        Connecting opens Cloudflare in a new tab, where you pick the domain. Porthole then creates in that account one tunnel for this
        computer and, for each server you share on a stable address, one DNS record (CNAME) pointing at it. Its certificate stays in
        Porthole’s own folder, not in <code>~/.cloudflared</code>. Disconnect removes all of it.
      </p>
      <AccountProblem account={account} actions={actions} />
      <button type="button" class="primary" disabled={busy !== null} onClick={() => actions.connect()}>
        {busy === 'connect' ? 'Starting the login…' : 'Connect Cloudflare account'}
      </button>
      <TokenForm busy={busy} actions={actions} />
    </>
  );
}

function Connecting({ account, busy, actions }: { account: AccountStatus; busy: AccountBusy; actions: AccountActions }) {
  const loginUrl = account.loginUrl;
  return (
    <>
      <p class="waiting" role="status">
        Waiting for you to pick a domain in the Cloudflare tab…
      </p>
      <p class="muted">
        Log in to Cloudflare there, choose the domain stable addresses go under, and click Authorize. This page follows by itself.
      </p>
      <div class="account-actions">
        {loginUrl ? (
          <button type="button" class="secondary" onClick={() => actions.open(loginUrl)}>
            Open the Cloudflare page again
          </button>
        ) : null}
        <button type="button" class="secondary" disabled={busy !== null} onClick={() => actions.disconnect()}>
          Cancel
        </button>
      </div>
    </>
  );
}

function ConnectedCert({ account, busy, actions }: { account: AccountStatus; busy: AccountBusy; actions: AccountActions }) {
  return (
    <>
      <dl class="account-facts">
        <dt>Domain</dt>
        <dd class="zone">{account.zone}</dd>
        <dt>Tunnel</dt>
        <dd>
          {account.tunnel ? (
            <>
              <code>{account.tunnel.name}</code> <span class="muted">({account.tunnel.id})</span>
            </>
          ) : (
            <span class="muted">Created with the first stable share.</span>
          )}
        </dd>
        <dt>Addresses</dt>
        <dd>
          {account.hostnames.length > 0 ? (
            <ul class="hostnames" aria-label="Stable addresses Porthole routed">
              {account.hostnames.map((hostname) => (
                <li key={hostname}>
                  <code>{hostname}</code>
                </li>
              ))}
            </ul>
          ) : (
            <span class="muted">None yet: pick “Stable address on {account.zone}” in the popup before sharing.</span>
          )}
        </dd>
      </dl>
      <AccountProblem account={account} actions={actions} />
      <DisconnectButton account={account} busy={busy} actions={actions} />
    </>
  );
}

function ConnectedToken({
  account,
  busy,
  copied,
  actions,
}: {
  account: AccountStatus;
  busy: AccountBusy;
  copied: boolean;
  actions: AccountActions;
}) {
  const service = account.tokenService;
  return (
    <>
      <dl class="account-facts">
        <dt>Tunnel</dt>
        <dd>From Cloudflare’s dashboard (token)</dd>
        <dt>Address</dt>
        <dd class="zone">{account.tokenHostname}</dd>
      </dl>
      {service ? (
        <div class="token-service">
          <p>
            In the dashboard, give the public hostname <code>{account.tokenHostname}</code> this service, which Porthole keeps for the
            tunnel:
          </p>
          <div class="service-line">
            <code class="service">{service}</code>
            <button type="button" class="small" onClick={() => actions.copy(service)}>
              {copied ? 'Copied' : 'Copy'}
            </button>
          </div>
        </div>
      ) : null}
      <AccountProblem account={account} actions={actions} />
      <DisconnectButton account={account} busy={busy} actions={actions} />
    </>
  );
}

/** Disconnect, after a confirmation that names everything it removes. */
function DisconnectButton({ account, busy, actions }: { account: AccountStatus; busy: AccountBusy; actions: AccountActions }) {
  const [confirming, setConfirming] = useState(false);
  if (!confirming) {
    return (
      <button type="button" class="secondary danger" disabled={busy !== null} onClick={() => setConfirming(true)}>
        {busy === 'disconnect' ? 'Disconnecting…' : 'Disconnect'}
      </button>
    );
  }
  return (
    <div class="confirm" role="alertdialog" aria-labelledby="confirm-title">
      <p id="confirm-title" class="confirm-title">
        Disconnect the Cloudflare account?
      </p>
      {disconnectConsequences(account).map((line) => (
        <p key={line}>{line}</p>
      ))}
      <div class="account-actions">
        <button
          type="button"
          class="primary danger"
          onClick={() => {
            setConfirming(false);
            actions.disconnect();
          }}
        >
          Remove and disconnect
        </button>
        <button type="button" class="secondary" onClick={() => setConfirming(false)}>
          Keep connected
        </button>
      </div>
    </div>
  );
}

/** Token mode: a tunnel made in the dashboard, its token and public hostname pasted here. */
function TokenForm({ busy, actions }: { busy: AccountBusy; actions: AccountActions }) {
  const [open, setOpen] = useState(false);
  const [token, setToken] = useState('');
  const [hostname, setHostname] = useState('');
  if (!open) {
    return (
      <p>
        <button type="button" class="link-button" onClick={() => setOpen(true)}>
          Use a tunnel token from the dashboard instead
        </button>
      </p>
    );
  }
  const ready = token.trim() !== '' && hostname.trim() !== '';
  return (
    <form
      class="token-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (ready) actions.connectToken(token.trim(), hostname.trim().toLowerCase());
      }}
    >
      <p class="muted">
        For a tunnel you manage in Cloudflare’s dashboard (Networks › Tunnels): paste its token and the public hostname you gave it.
        Porthole runs it and tells you the service address to enter there.
      </p>
      <label class="field">
        <span>Tunnel token</span>
        <input
          type="password"
          value={token}
          autocomplete="off"
          spellcheck={false}
          onInput={(event) => setToken(event.currentTarget.value)}
        />
      </label>
      <label class="field">
        <span>Public hostname</span>
        <input
          type="text"
          value={hostname}
          placeholder="app.example.com"
          autocomplete="off"
          spellcheck={false}
          onInput={(event) => setHostname(event.currentTarget.value)}
        />
      </label>
      <div class="account-actions">
        <button type="submit" class="primary" disabled={!ready || busy !== null}>
          {busy === 'connect-token' ? 'Checking the token…' : 'Use this tunnel'}
        </button>
        <button type="button" class="secondary" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
