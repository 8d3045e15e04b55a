import { type HelloResult, PROTOCOL_VERSION } from './protocol';

/**
 * Whether the native host can be reached and can do the job, and why not. Pure: the background
 * keeps reachability and the host's `hello` in its state, the popup turns them into a setup message.
 */

export type HostReachability =
  | { status: 'unknown' }
  | { status: 'connected' }
  /** Not installed, not registered for this browser, or not allowed for this extension id. */
  | { status: 'missing'; reason: string }
  /** Installed, but it stopped or stopped answering. */
  | { status: 'unreachable'; reason: string };

/**
 * What the browsers say when the host cannot even be started. Chromium sets runtime.lastError to
 * "Specified native messaging host not found.", "Access to the specified native messaging host is
 * forbidden." (allowed_origins lacks this id) or "Failed to start native messaging host." (the
 * manifest names a path that does not run). Firefox sets port.error to "No such native
 * application dev.porthole.host" or "This extension does not have permission to use native
 * application … (or the application is not installed)".
 */
const SETUP_PROBLEMS = [
  /native messaging host not found/i,
  /native messaging host is forbidden/i,
  /failed to start native messaging host/i,
  /invalid native messaging host name/i,
  /no such native application/i,
  /does not have permission to use native application/i,
];

export function reachabilityAfterDisconnect(reason: string): HostReachability {
  return SETUP_PROBLEMS.some((pattern) => pattern.test(reason)) ? { status: 'missing', reason } : { status: 'unreachable', reason };
}

/** The command that installs and registers the host for every browser on this computer. */
export const INSTALL_COMMAND = 'porthole-host install';
/** For contributors running from a checkout of the repository. */
export const CONTRIBUTOR_COMMAND = 'npm start';

/** What keeps Porthole from sharing at all, found before anyone clicks Share. */
export type HostSetupProblem =
  | Extract<HostReachability, { status: 'missing' | 'unreachable' }>
  /** The host cannot read this extension's requests: update the host. */
  | { status: 'host-too-old'; version: string; protocol: number }
  /** This extension cannot read the host's: update the extension. */
  | { status: 'host-too-new'; version: string; protocol: number }
  /** The host runs, but has no cloudflared to open tunnels with; `message` is the host's own sentence. */
  | { status: 'cloudflared-missing'; message: string };

/**
 * The first thing in the way, in the order a person fixes them: a host at all, a host that speaks
 * this extension's protocol, then cloudflared. `hello` is the host's answer on this connection.
 */
export function hostSetupProblem(host: HostReachability, hello: HelloResult | null): HostSetupProblem | null {
  if (host.status === 'missing' || host.status === 'unreachable') return host;
  if (hello === null) return null;
  if (hello.protocol < PROTOCOL_VERSION) return { status: 'host-too-old', version: hello.version, protocol: hello.protocol };
  if ((hello.oldestProtocol ?? hello.protocol) > PROTOCOL_VERSION)
    return { status: 'host-too-new', version: hello.version, protocol: hello.protocol };
  if (hello.cloudflared === null) {
    return {
      status: 'cloudflared-missing',
      message: hello.cloudflaredError?.message ?? 'The Porthole helper (porthole-host) found no cloudflared to open tunnels with.',
    };
  }
  return null;
}
