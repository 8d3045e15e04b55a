/**
 * The one contract between the extension and the host, imported by both.
 * Documented for people in native-host/PROTOCOL.md; keep the two in step.
 *
 * This file must stay free of Node and browser APIs: the extension bundles it.
 */

export const HOST_NAME = 'dev.porthole.host' as const;
/**
 * Bumped only for changes an older peer would misread. 2: `share` and `configure` carry their
 * settings in `settings` (a protocol-1 host would ignore them and share without the password).
 */
export const PROTOCOL_VERSION = 2;
/** The oldest protocol each side still speaks: a host keeps reading protocol-1 requests. */
export const OLDEST_PROTOCOL = 1;

/** What a host can do beyond its protocol's first version; told in `hello`. Append only. */
export const HOST_FEATURES = ['gateway', 'configure', 'password', 'expiry', 'traffic'] as const;
export type HostFeature = (typeof HOST_FEATURES)[number];

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
  // Warnings on a running share (`Share.warnings`), never a failure: the share stays up.
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
  /** Cloudflare's CF-IPCountry (two letters), null when absent or unknown (XX, T1). */
  country: string | null;
  /** A short anonymous tag for the visitor (e.g. 'v3f9a'), stable for one visitor within one share; never their address. */
  visitor: string;
  /** Request and response headers as [name, value] pairs, at most 40 each, values cut to 200 characters; cookie, authorization, set-cookie and proxy-authorization values replaced by '…'. */
  requestHeaders: [string, string][];
  responseHeaders: [string, string][];
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
  /** Visitors must give this password (HTTP basic auth, any user name); null when the share is open. */
  password: string | null;
  /** Epoch milliseconds when the share stops by itself; null when it runs until stopped. */
  expiresAt: number | null;
  /** true: the local server sees the public Host header; false (default): its own `localhost:PORT`. */
  keepPublicHost: boolean;
  /**
   * Problems of a share that is still running, at most one per code: `origin-unreachable` (nothing
   * answers at the origin; visitors get a "not running" page) and `unverified` (live, but the public
   * address did not yet answer Porthole's check from the internet). Empty when all is well.
   */
  warnings: HostError[];
  traffic: ShareTraffic;
  /** Set when the share is `stopped`; null otherwise. */
  stopReason: StopReason | null;
  /** How many times the host restarted cloudflared on its own (change `restarted`); absent from hosts before that. */
  restarts?: number;
}

/**
 * A share's settings as a request gives them, the same in `share` and `configure`. In `share` an
 * absent field takes its default; in `configure` it is left as it is. null removes a setting.
 */
export interface ShareSettings {
  /** 1–256 characters (MAX_PASSWORD_LENGTH), no control characters; null: no password. */
  password?: string | null;
  /** Stop the share this many minutes from now (fractions allowed, at most MAX_EXPIRY_MINUTES); null: never. */
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
  settings?: ShareSettings;
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
  settings: ShareSettings;
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
  /** The protocol this host speaks (PROTOCOL_VERSION)... */
  protocol: number;
  /** ...and the oldest it still reads (OLDEST_PROTOCOL); absent from hosts before protocol 2, which read only `protocol`. */
  oldestProtocol?: number;
  platform: string;
  arch: string;
  /** null when no cloudflared was found; `cloudflaredError` then says how to install one. */
  cloudflared: CloudflaredInfo | null;
  cloudflaredError: HostError | null;
  /** What this host can do (HOST_FEATURES); an extension ignores names it does not know. Hosts before the gateway sent none. */
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
 * happen while a share runs.
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
  'restarted',
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
