import { CONTRIBUTOR_COMMAND, INSTALL_COMMAND, type HostReachability } from '../lib/host-reachability';

/**
 * Shown instead of the share button when the host cannot be reached: what to run to install it
 * (never a blank popup), or why the installed host stopped.
 */
export function HostProblem({ host, onRetry }: { host: Extract<HostReachability, { status: 'missing' | 'unreachable' }>; onRetry: () => void }) {
  if (host.status === 'missing') {
    return (
      <div class="host-problem" role="alert">
        <h2>Install Porthole’s helper</h2>
        <p>
          Porthole shares pages through a small program on this computer, <code>porthole-host</code>, which is not set up for this
          browser yet. Install it, then check again:
        </p>
        <pre class="command">
          <code>{INSTALL_COMMAND}</code>
        </pre>
        <p class="hint">
          Working on Porthole itself? Run <code>{CONTRIBUTOR_COMMAND}</code> in the repository instead.
        </p>
        <p class="problem-detail">The browser said: {host.reason}</p>
        <button type="button" class="secondary" onClick={onRetry}>
          Check again
        </button>
      </div>
    );
  }
  return (
    <div class="host-problem" role="alert">
      <h2>Porthole’s helper stopped</h2>
      <p>The program that runs the tunnels, porthole-host, is installed but stopped answering. Check again to restart it.</p>
      <p class="problem-detail">The browser said: {host.reason}</p>
      <button type="button" class="secondary" onClick={onRetry}>
        Check again
      </button>
    </div>
  );
}
