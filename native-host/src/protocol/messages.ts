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

export type ExtensionToHost = HelloRequest | ShareRequest | StopRequest | StopAllRequest | ListRequest;
export type RequestType = ExtensionToHost['type'];
export const REQUEST_TYPES: readonly RequestType[] = ['hello', 'share', 'stop', 'stop-all', 'list'];

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
export type ReplyResult = HelloResult | ShareResult | StopResult | StopAllResult | ListResult;

export type OkReply = { id: string; ok: true } & ReplyResult;
export interface ErrorReply {
  /** null only when the request was too broken to carry a usable id. */
  id: string | null;
  ok: false;
  error: HostError;
}
export type Reply = OkReply | ErrorReply;

/** What changed, in the order a healthy share goes through them. */
export type ShareChange = 'starting' | 'url' | 'live' | 'stopped' | 'failed';

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
