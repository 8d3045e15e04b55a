import type { HostClient } from './host-client';

/**
 * Closes the host connection after `ms` with nothing to do, so no idle host process stays behind
 * (and Chromium may let the service worker sleep). The next request reopens it.
 */
export interface IdleDisconnect {
  /** Runs one operation that talks to the host; the timer waits for it. */
  during<T>(operation: () => Promise<T>): Promise<T>;
  /** Arms the timer when the host is connected with nothing to do, and disarms it otherwise. */
  check(): void;
}

export const DEFAULT_IDLE_DISCONNECT_MS = 60_000;

export function createIdleDisconnect(client: HostClient, hasWork: () => boolean, ms = DEFAULT_IDLE_DISCONNECT_MS): IdleDisconnect {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let busy = 0;

  function check(): void {
    const idle = busy === 0 && client.connected && !hasWork();
    if (!idle) {
      clearTimeout(timer);
      timer = undefined;
    } else if (timer === undefined) {
      timer = setTimeout(() => {
        timer = undefined;
        if (busy === 0 && !hasWork()) client.disconnect();
      }, ms);
    }
  }

  return {
    check,
    async during(operation) {
      busy++;
      check();
      try {
        return await operation();
      } finally {
        busy--;
        check();
      }
    },
  };
}
