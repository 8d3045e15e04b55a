/**
 * How often the gateway looks whether anything still listens at the origin, so the share turns
 * amber within seconds of the local server stopping, even with no visitor (issue 11). Pure.
 *
 * A look is one TCP connect to loopback (origin-dialer.ts), no HTTP request: the dev server logs
 * nothing and does no work. It is frequent while it matters — visitors came recently, the origin
 * changed or was found down, a relay just failed — and backs off, doubling, while nothing
 * happens, so that twenty idle shares cost next to nothing.
 */

/** Between looks while the share is in use, or while the origin is down. */
export const ORIGIN_CHECK_ACTIVE_MS = 2000;
/** The longest pause between looks on a share nobody visits. */
export const ORIGIN_CHECK_IDLE_MAX_MS = 15_000;
/** For this long after a visitor's request, a change, a relay error or the share getting its address, looks stay ORIGIN_CHECK_ACTIVE_MS apart. */
export const ORIGIN_ACTIVE_WINDOW_MS = 20_000;

export interface OriginWatchState {
  /** What the last look found; null before the first. */
  reachable: boolean | null;
  /** Milliseconds since the last request, reachability change, relay error or new public address. */
  sinceActivityMs: number;
  /** The pause before the look that just ended. */
  lastDelayMs: number;
}

export function nextOriginCheckDelay(state: OriginWatchState, activeMs = ORIGIN_CHECK_ACTIVE_MS): number {
  if (state.reachable !== true || state.sinceActivityMs < ORIGIN_ACTIVE_WINDOW_MS) return activeMs;
  return Math.min(Math.max(ORIGIN_CHECK_IDLE_MAX_MS, activeMs), Math.max(activeMs, state.lastDelayMs * 2));
}
