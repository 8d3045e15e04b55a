/**
 * Whether the native host can be reached, and why not. Pure: the background keeps the value in its
 * state, the popup turns it into a setup message.
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
  return SETUP_PROBLEMS.some((pattern) => pattern.test(reason))
    ? { status: 'missing', reason }
    : { status: 'unreachable', reason };
}

/** The command that installs and registers the host for every browser on this computer. */
export const INSTALL_COMMAND = 'porthole-host install';
/** For contributors running from a checkout of the repository. */
export const CONTRIBUTOR_COMMAND = 'npm start';
