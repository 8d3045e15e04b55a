/**
 * A share-wide budget for response bytes the gateway holds in memory. Pure.
 *
 * Scripts that may carry webpack-dev-server's client are held until complete to be rewritten
 * (dev-client.ts), up to MAX_SCRIPT_BYTES each. Without a budget for all of them together, one
 * visitor with 64 requests in flight could make the host hold about 1 GiB; past the budget a
 * script streams through as the origin sent it (not rewritten), so memory stays bounded whatever
 * visitors ask for.
 */

/** All scripts held at once, for one share. */
export const HELD_SCRIPT_BUDGET = 32 * 1024 * 1024;

export class HeldBytes {
  private held = 0;
  /** The most ever held at once (for tests and the benchmark). */
  peak = 0;

  constructor(readonly budget = HELD_SCRIPT_BUDGET) {}

  get current(): number {
    return this.held;
  }

  /** Takes `bytes` from the budget; false (and nothing taken) when they do not fit. */
  take(bytes: number): boolean {
    if (this.held + bytes > this.budget) return false;
    this.held += bytes;
    if (this.held > this.peak) this.peak = this.held;
    return true;
  }

  /** Gives back what take() took, once the held bytes are written out or dropped. */
  give(bytes: number): void {
    this.held = Math.max(0, this.held - bytes);
  }
}
