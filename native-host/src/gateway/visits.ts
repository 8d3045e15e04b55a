/**
 * Each request as the popup's inspector and counters see it (traffic.ts, request-details.ts):
 * noted when its head is read, recorded once when it is over, and reported at most twice a
 * second (throttle.ts).
 */
import type { ShareTraffic } from '../protocol/index.js';
import type { RequestHead } from './http-head.js';
import { countryOf, inspectorHeaders, VisitorTagger } from './request-details.js';
import { Throttle } from './throttle.js';
import { TrafficLog, visitorKey } from './traffic.js';

/** What the gateway remembers of a request until it is recorded. */
export interface Visit {
  method: string;
  path: string;
  at: number;
  started: number;
  /** The visitor key when the request counts as a visit (past the password); null otherwise. */
  visitor: string | null;
  /** The anonymous tag the inspector shows (request-details.ts). */
  tag: string;
  country: string | null;
  requestHeaders: [string, string][];
  /** What the visitor got, once the gateway answered with the origin's response. */
  responseHeaders: [string, string][];
  recorded: boolean;
}

const MAX_CACHED_TAGS = 1024;
const MAX_CACHED_KEY_LENGTH = 512;

export class Visits {
  private readonly traffic = new TrafficLog();
  private readonly tagger = new VisitorTagger();
  private readonly throttle: Throttle;
  private closed = false;
  /** Tags of recent visitor keys: an HMAC per request cost more than the rest of the bookkeeping. */
  private readonly tags = new Map<string, string>();

  constructor(intervalMs: number, report: (traffic: ShareTraffic) => void) {
    this.throttle = new Throttle(intervalMs, () => report(this.traffic.snapshot()));
  }

  start(head: RequestHead, peerAddress: string | undefined, authorized: boolean): Visit {
    const key = visitorKey(head.headers, peerAddress);
    return {
      method: head.method,
      path: head.target,
      at: Date.now(),
      started: performance.now(),
      visitor: authorized ? key : null,
      tag: this.tagOf(key),
      country: countryOf(head.headers),
      requestHeaders: inspectorHeaders(head.rawHeaders),
      responseHeaders: [],
      recorded: false,
    };
  }

  private tagOf(key: string): string {
    let tag = this.tags.get(key);
    if (tag === undefined) {
      tag = this.tagger.tag(key);
      // Keys carry the visitor's User-Agent: long ones are not kept, so the cache stays small.
      if (key.length > MAX_CACHED_KEY_LENGTH) return tag;
      if (this.tags.size >= MAX_CACHED_TAGS) this.tags.clear();
      this.tags.set(key, tag);
    }
    return tag;
  }

  /** Once per visit; `status` 0 when the visitor got no answer. */
  record(visit: Visit, status: number): void {
    if (visit.recorded) return;
    visit.recorded = true;
    this.traffic.record(
      {
        method: visit.method,
        path: visit.path,
        status,
        at: visit.at,
        ms: Math.round(performance.now() - visit.started),
        country: visit.country,
        visitor: visit.tag,
        requestHeaders: visit.requestHeaders,
        responseHeaders: visit.responseHeaders,
      },
      visit.visitor,
    );
    if (!this.closed) this.throttle.poke();
  }

  close(): void {
    this.closed = true;
    this.throttle.cancel();
  }
}
