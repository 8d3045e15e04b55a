/**
 * Keeping one visitor from taking a share from the others (issue 9: 1,000 slow or idle connections
 * from one visitor must not stop another from loading the page). Pure bookkeeping; gateway.ts does
 * the I/O.
 *
 * What "a visitor" is here: every connection to the gateway comes from cloudflared, which carries
 * all visitors' requests over a pool of connections, opening one more whenever all are busy. So
 * the gateway cannot limit visitors by connection; it limits them by request, keyed on
 * CF-Connecting-IP (visitor.ts):
 * - VisitorSlots: at most PER_VISITOR_ACTIVE requests (WebSockets included) of one visitor are
 *   relayed to the origin at once; more wait in line for that visitor's next free slot. A visitor's
 *   slow requests (a body that never comes, a response never read) hold only that visitor's slots
 *   and the origin's sockets stay bounded, while other visitors' requests go straight through.
 * - chooseVictim: past MAX_CONNECTIONS connections per share (a file descriptor each, two while
 *   relaying: a process started from a terminal often has only 1,024), a new connection is not
 *   refused; one is closed to make room: among connections that have sent no request yet (an idle
 *   socket, a head that never ends), the oldest; otherwise, of the visitor holding the most
 *   connections, an idle one, else its newest (a request still waiting in line). Whoever floods the
 *   share is who loses connections; headersTimeout ends heads that never finish anyway.
 * Limits are sized for a dev server page: a Vite app can load a few hundred modules at once.
 */

export const PER_VISITOR_ACTIVE = 64;
export const MAX_CONNECTIONS = 512;

/** Per-visitor concurrency with a line: start() runs at once or when a slot frees up. */
export class VisitorSlots {
  private readonly active = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(private readonly perVisitor = PER_VISITOR_ACTIVE) {}

  /**
   * Runs `start` when the visitor has a free slot. The returned function gives the slot back (or
   * leaves the line, if still waiting); call it exactly once, when the request is over.
   */
  acquire(visitor: string, start: () => void): () => void {
    let state: 'waiting' | 'running' | 'done' = 'waiting';
    const run = (): void => {
      state = 'running';
      this.active.set(visitor, (this.active.get(visitor) ?? 0) + 1);
      start();
    };
    if ((this.active.get(visitor) ?? 0) < this.perVisitor) run();
    else {
      const line = this.waiting.get(visitor) ?? [];
      line.push(run);
      this.waiting.set(visitor, line);
    }
    return () => {
      if (state === 'done') return;
      const was = state;
      state = 'done';
      if (was === 'waiting') {
        const line = this.waiting.get(visitor);
        const at = line?.indexOf(run) ?? -1;
        if (line !== undefined && at !== -1) line.splice(at, 1);
        if (line?.length === 0) this.waiting.delete(visitor);
        return;
      }
      const left = (this.active.get(visitor) ?? 1) - 1;
      if (left === 0) this.active.delete(visitor);
      else this.active.set(visitor, left);
      const line = this.waiting.get(visitor);
      const next = line?.shift();
      if (line?.length === 0) this.waiting.delete(visitor);
      next?.();
    };
  }

  activeFor(visitor: string): number {
    return this.active.get(visitor) ?? 0;
  }

  waitingFor(visitor: string): number {
    return this.waiting.get(visitor)?.length ?? 0;
  }
}

export interface ConnectionInfo {
  /** The visitor of its latest request; null before its first request. */
  visitor: string | null;
  /** Requests on it not yet answered (waiting in line included), or an upgrade in progress. */
  busy: number;
}

/** Which connection to close to make room; `connections` in the order they were opened. */
export function chooseVictim<T extends ConnectionInfo>(connections: Iterable<T>): T | undefined {
  const perVisitor = new Map<string, number>();
  let oldestUnknown: T | undefined;
  for (const connection of connections) {
    if (connection.visitor === null) {
      oldestUnknown ??= connection;
      continue;
    }
    perVisitor.set(connection.visitor, (perVisitor.get(connection.visitor) ?? 0) + 1);
  }
  if (oldestUnknown !== undefined) return oldestUnknown;
  let heaviest: string | null = null;
  let most = 0;
  for (const [visitor, count] of perVisitor) {
    if (count > most) {
      heaviest = visitor;
      most = count;
    }
  }
  if (heaviest === null) return undefined;
  let idle: T | undefined;
  let newest: T | undefined;
  for (const connection of connections) {
    if (connection.visitor !== heaviest) continue;
    if (connection.busy === 0) idle ??= connection;
    newest = connection;
  }
  return idle ?? newest;
}
