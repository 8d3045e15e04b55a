/**
 * Who has been visiting a share: counters and the last requests, kept in a fixed ring so that a
 * busy share costs the same memory as a quiet one. Pure.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestRecord, ShareTraffic } from '../protocol/index.js';

export const RECENT_REQUESTS = 20;
export const MAX_PATH_LENGTH = 256;
/** Past this many distinct visitors the count stops growing rather than the memory. */
export const MAX_TRACKED_VISITORS = 10_000;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * A visitor is an address and a browser. Behind cloudflared every request comes from 127.0.0.1;
 * cloudflared names the real client in Cf-Connecting-Ip (and X-Forwarded-For). The user agent
 * tells apart a phone and a laptop behind the same home router.
 */
export function visitorKey(headers: IncomingHttpHeaders, peerAddress: string | undefined): string {
  const address = first(headers['cf-connecting-ip']) ?? first(headers['x-forwarded-for'])?.split(',')[0]?.trim() ?? peerAddress ?? '?';
  return `${address}\u0000${headers['user-agent'] ?? ''}`;
}

export function clipPath(path: string | undefined): string {
  const value = path ?? '/';
  return value.length > MAX_PATH_LENGTH ? `${value.slice(0, MAX_PATH_LENGTH - 1)}…` : value;
}

export class TrafficLog {
  private requests = 0;
  private readonly visitors = new Set<string>();
  private readonly ring: (RequestRecord | undefined)[];
  /** Where the next record goes. */
  private next = 0;

  constructor(
    private readonly capacity = RECENT_REQUESTS,
    private readonly maxVisitors = MAX_TRACKED_VISITORS,
  ) {
    this.ring = new Array<RequestRecord | undefined>(capacity).fill(undefined);
  }

  /** `visitor` is null for requests that do not count as a visit (refused at the password). */
  record(entry: RequestRecord, visitor: string | null): void {
    this.requests++;
    if (visitor !== null && this.visitors.size < this.maxVisitors) this.visitors.add(visitor);
    this.ring[this.next] = { ...entry, path: clipPath(entry.path) };
    this.next = (this.next + 1) % this.capacity;
  }

  /** Newest first. */
  snapshot(): ShareTraffic {
    const recent: RequestRecord[] = [];
    for (let i = 1; i <= this.capacity; i++) {
      const record = this.ring[(this.next - i + this.capacity) % this.capacity];
      if (record !== undefined) recent.push(record);
    }
    return { requests: this.requests, visitors: this.visitors.size, recent };
  }
}
