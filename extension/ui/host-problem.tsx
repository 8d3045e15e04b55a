import { CONTRIBUTOR_COMMAND, type HostSetupProblem, INSTALL_COMMAND } from '../lib/host-reachability';

/**
 * Shown instead of the share button when sharing cannot work: what to run to install the host
 * (never a blank popup), why the installed host stopped, a host and extension that do not speak the
 * same protocol, or a host without cloudflared. Said when the popup opens, before anyone clicks Share.
 */
export function HostProblem({ problem, onRetry }: { problem: HostSetupProblem; onRetry: () => void }) {
  const retry = (
    <button type="button" class="secondary" onClick={() => onRetry()}>
      Check again
    </button>
  );
  switch (problem.status) {
    case 'missing':
      return (
        <div class="host-problem" role="alert">
          <h2>Install the Porthole helper</h2>
          <p>
            Porthole shares pages through a small program on this computer, the Porthole helper (<code>porthole-host</code>), which is not
            set up for this browser yet. Install it, then check again:
          </p>
          <pre class="command">
            <code>{INSTALL_COMMAND}</code>
          </pre>
          <p class="hint">
            Working on Porthole itself? Run <code>{CONTRIBUTOR_COMMAND}</code> in the repository instead.
          </p>
          <p class="problem-detail">The browser said: {problem.reason}</p>
          {retry}
        </div>
      );
    case 'unreachable':
      return (
        <div class="host-problem" role="alert">
          <h2>The Porthole helper stopped</h2>
          <p>
            The program that runs the tunnels, the Porthole helper (<code>porthole-host</code>), is installed but stopped answering. Check
            again to restart it.
          </p>
          <p class="problem-detail">The browser said: {problem.reason}</p>
          {retry}
        </div>
      );
    case 'host-too-old':
      return (
        <div class="host-problem" role="alert">
          <h2>Update the Porthole helper</h2>
          <p>
            The installed Porthole helper (<code>porthole-host</code> {problem.version}) is older than this extension and would not apply a
            share’s password or expiry. Install the current host, then check again.
          </p>
          {retry}
        </div>
      );
    case 'host-too-new':
      return (
        <div class="host-problem" role="alert">
          <h2>Update the Porthole extension</h2>
          <p>
            The installed Porthole helper (<code>porthole-host</code> {problem.version}) is newer than this extension and no longer
            understands it. Update the extension, then check again.
          </p>
          {retry}
        </div>
      );
    case 'cloudflared-missing':
      return (
        <div class="host-problem" role="alert">
          <h2>cloudflared is missing</h2>
          <p>{problem.message}</p>
          {retry}
        </div>
      );
  }
}
