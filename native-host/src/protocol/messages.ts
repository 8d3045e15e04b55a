/**
 * The one contract between the extension and the host, imported by both.
 * Documented for people in native-host/PROTOCOL.md; keep the two in step.
 *
 * This file must stay free of Node and browser APIs: the extension bundles it.
 */

export const HOST_NAME = 'dev.porthole.host' as const;
/** Bumped only for changes an older peer would misread. */
export const PROTOCOL_VERSION = 1;

/** Append only: the extension keys its help texts on these. */
export const ERROR_CODES = [
  'bad-request',
  'not-loopback',
  'cloudflared-missing',
  'offline',
  'rate-limited',
  'tunnel-service-error',
  'edge-unreachable',
  'tunnel-exited',
  'internal',
  // Added with the gateway. Both are warnings on a running share (`Share.warnings`), never a failure.
  'origin-unreachable',
  'unverified',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface HostError {
  code: ErrorCode;
  /** A sentence a person can act on: what happened and what to do. */
  message: string;
  /** The last meaningful line cloudflared printed, kept for diagnosis. */
  detail?: string;
}

export const SHARE_STATES = ['starting', 'live', 'stopped', 'failed'] as const;
export type ShareState = (typeof SHARE_STATES)[number];

/** One request a visitor made through the share, as the sharer sees it. */
export interface RequestRecord {
  method: string;
  /** Path as the visitor asked for it, cut to 256 characters; a query string or fragment is left out (`?…` marks one). */
  path: string;
  /** The status the visitor got: 101 for a WebSocket, 0 when the visitor left before any answer. */
  status: number;
  /** Epoch milliseconds of the request's arrival. */
  at: number;
  /** Milliseconds from arrival to the end of the answer (to the switch, for a WebSocket). */
  ms: number;
}

/** What the gateway has seen of one share's visitors. */
export interface ShareTraffic {
  /** Every request that reached the share, refused ones (401) included; Porthole's own check is not counted. */
  requests: number;
  /** Distinct visitors (address and browser) among requests that got past the password. */
  visitors: number;
  /** The last requests, newest first, at most 20. */
  recent: RequestRecord[];
}

/** Why a `stopped` share stopped. */
export type StopReason = 'request' | 'expired';

export interface Share {
  /** Opaque, unique for the life of the host. */
  id: string;
  /** Normalised origin that is shared, e.g. `http://localhost:5173`. */
  origin: string;
  state: ShareState;
  /** The public https://….trycloudflare.com address, once cloudflared has printed it. */
  url: string | null;
  /** Epoch milliseconds. */
  startedAt: number;
  /** Epoch milliseconds of the move to `stopped` or `failed`. */
  endedAt: number | null;
  /** Why the share failed; null otherwise. */
  error: HostError | null;

  // The fields below came with the gateway. They are optional only so that older code that builds
  // Share objects still compiles: this host always sends every one of them.

  /** Visitors must give this password (HTTP basic auth, any user name); null when the share is open. */
  password?: string | null;
  /** Epoch milliseconds when the share stops by itself; null when it runs until stopped. */
  expiresAt?: number | null;
  /** true: the local server sees the public Host header; false (default): its own `localhost:PORT`. */
  keepPublicHost?: boolean;
  /**
   * Problems of a share that is still running, at most one per code: `origin-unreachable` (nothing
   * answers at the origin; visitors get a "not running" page) and `unverified` (live, but the public
   * address did not yet answer Porthole's check from the internet). Empty when all is well.
   */
  warnings?: HostError[];
  traffic?: ShareTraffic;
  /** Set when the share is `stopped`; null otherwise. */
  stopReason?: StopReason | null;
}

/** Settings a share request may carry. Absent fields take their defaults. */
export interface ShareOptions {
  /** 1–256 characters, no control characters; null or absent: no password. */
  password?: string | null;
  /** Stop the share after this many minutes (fractions allowed, at most 10080 = one week). */
  expiresInMinutes?: number | null;
  keepPublicHost?: boolean;
}

// ── extension → host ────────────────────────────────────────────────────────

export interface HelloRequest {
  id: string;
  type: 'hello';
}
export interface ShareRequest {
  id: string;
  type: 'share';
  /** An http(s) URL on this computer; only its origin is used. */
  origin: string;
  /** Ignored when the origin is already shared: change a running share with `configure`. */
  options?: ShareOptions;
}
export interface StopRequest {
  id: string;
  type: 'stop';
  shareId: string;
}
export interface StopAllRequest {
  id: string;
  type: 'stop-all';
}
export interface ListRequest {
  id: string;
  type: 'list';
}
/** Changes a running share's settings. An absent field is left as it is; null removes the setting. */
export interface ConfigureRequest {
  id: string;
  type: 'configure';
  shareId: string;
  password?: string | null;
  /** Counted from now; null: no expiry. */
  expiresInMinutes?: number | null;
  keepPublicHost?: boolean;
}

export type ExtensionToHost = HelloRequest | ShareRequest | StopRequest | StopAllRequest | ListRequest | ConfigureRequest;
export type RequestType = ExtensionToHost['type'];
export const REQUEST_TYPES: readonly RequestType[] = ['hello', 'share', 'stop', 'stop-all', 'list', 'configure'];

// ── host → extension ────────────────────────────────────────────────────────

export interface CloudflaredInfo {
  path: string;
  /** Where it was found, in search order. */
  source: 'env' | 'bundled' | 'path';
  /** e.g. `2023.7.3`; null when `--version` could not be read. */
  version: string | null;
}

export interface HelloResult {
  type: 'hello';
  name: typeof HOST_NAME;
  version: string;
  protocol: number;
  platform: string;
  arch: string;
  /** null when no cloudflared was found; `cloudflaredError` then says how to install one. */
  cloudflared: CloudflaredInfo | null;
  cloudflaredError: HostError | null;
  /** What this host can do beyond protocol 1's first version, e.g. `gateway`, `configure`. */
  features?: string[];
}
export interface ShareResult {
  type: 'share';
  share: Share;
  /** true when the origin was already shared and that share is returned. */
  existing: boolean;
}
export interface StopResult {
  type: 'stop';
  share: Share;
}
export interface StopAllResult {
  type: 'stop-all';
  shares: Share[];
}
export interface ListResult {
  type: 'list';
  shares: Share[];
}
export interface ConfigureResult {
  type: 'configure';
  share: Share;
}
export type ReplyResult = HelloResult | ShareResult | StopResult | StopAllResult | ListResult | ConfigureResult;

export type OkReply = { id: string; ok: true } & ReplyResult;
export interface ErrorReply {
  /** null only when the request was too broken to carry a usable id. */
  id: string | null;
  ok: false;
  error: HostError;
}
export type Reply = OkReply | ErrorReply;

/**
 * What changed: first the lifecycle, in the order a healthy share goes through it, then what can
 * happen while a share runs (appended with the gateway).
 */
export const SHARE_CHANGES = [
  'starting',
  'url',
  'live',
  'stopped',
  'failed',
  'origin-unreachable',
  'origin-reachable',
  'verified',
  'configured',
  'traffic',
] as const;
export type ShareChange = (typeof SHARE_CHANGES)[number];

/** Pushed whenever a share changes; carries no `id` because it answers no request. */
export interface ShareEvent {
  type: 'share-event';
  change: ShareChange;
  share: Share;
}

export type HostToExtension = Reply | ShareEvent;

export function isReply(message: HostToExtension): message is Reply {
  return 'ok' in message;
}

/** Picks the reply type that answers a given request type. */
export type ReplyTo<T extends RequestType> = { id: string; ok: true } & Extract<ReplyResult, { type: T }>;

export function isLiveShare(share: Share): boolean {
  return share.state === 'starting' || share.state === 'live';
}

export function isShareEvent(message: HostToExtension): message is ShareEvent {
  return !('ok' in message) && message.type === 'share-event';
}
