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
export const HOST_FEATURES = ['gateway', 'configure', 'password', 'expiry', 'traffic', 'folder', 'stable', 'upload'] as const;
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
  // A `share-folder` request named a folder that cannot be shared (missing, a file, the home folder or above it).
  'folder-refused',
  // Dropped files (feature `upload`): a path outside the upload, a zip-slip entry, too many bytes or
  // files, a broken archive, or an upload id the host does not know (cancelled, timed out).
  'upload-refused',
  // Stable addresses (feature `stable`).
  /** No Cloudflare account is connected (or its certificate is gone): connect one on the options page. */
  'not-logged-in',
  /** The account's certificate was refused by Cloudflare (expired or revoked): connect again. */
  'certificate-invalid',
  /** The certificate is for a zone that does not hold the requested hostname. */
  'zone-not-allowed',
  /** A DNS record with that name exists and Porthole did not create it: never overwritten. */
  'dns-record-foreign',
  /** A pasted tunnel token was refused (malformed, or Cloudflare does not know it). */
  'token-invalid',
  /** A stable name that is not a DNS label (a–z, 0–9, hyphens, 1–63 characters). */
  'name-invalid',
  /** cloudflared's account commands failed (API unreachable, 5xx); `detail` has its last line. */
  'account-error',
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

/** What a share serves: a local server, a folder on disk (`share-folder`), or files dropped on Porthole (`upload-*`). */
export type ShareKind = 'server' | 'folder' | 'files';

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
  /**
   * How many times the host restarted cloudflared for this share after it ended on its own (each
   * restart gives a new public address, announced by `restarted`); 0 for a share that never died.
   */
  restarts: number;
  /**
   * What it serves (feature `folder`). Hosts with that feature always send it; absent from older
   * hosts, where every share is a `server`.
   */
  kind?: ShareKind;
  /** The shared folder's absolute path for a `folder` share; null otherwise (absent from older hosts). */
  folder?: string | null;
  /** For a `files` share, what the user dropped, as the upload named it (`site.zip`, `dist`, `3 files`); null otherwise. */
  label?: string | null;
  /**
   * `quick`: a trycloudflare.com address that changes with every share; `stable`: `hostname` on the
   * connected account's zone, the same every time (feature `stable`). Absent from older hosts: quick.
   */
  address?: AddressKind;
  /** The stable hostname (`myapp.example.com`) of a `stable` share; null for a quick one. */
  hostname?: string | null;
}

export type AddressKind = 'quick' | 'stable';

/** Which address a new share gets. Absent: quick. */
export type AddressChoice =
  | { kind: 'quick' }
  /** `name` is the DNS label before the zone (`myapp` → `myapp.example.com`); absent: the host picks one from the origin's port. */
  | { kind: 'stable'; name?: string };

/** How a folder share serves its files; every option is off unless given. */
export interface FolderOptions {
  /** Unknown paths without a file extension get the folder's index.html (single-page apps). */
  spa?: boolean;
  /** A folder without index.html shows a list of its files. */
  listing?: boolean;
  /** Names starting with a dot (`.env`, `.git`) are served too. */
  dotfiles?: boolean;
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
  /** Absent: a quick address (feature `stable`). */
  address?: AddressChoice;
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

/**
 * Shares a folder on this computer through a static server inside the host (feature `folder`). The
 * share is then like any other: the same gateway, settings, events, `stop` and `configure`.
 */
export interface ShareFolderRequest {
  id: string;
  type: 'share-folder';
  /** Absolute path of an existing folder; not the file system's root, the home folder, nor a folder holding it. */
  path: string;
  options?: FolderOptions;
  /** Ignored when the folder is already shared, as for `share`. */
  settings?: ShareSettings;
  address?: AddressChoice;
}

/**
 * Dropped files (feature `upload`). The extension sends what the user dropped in chunks, each well
 * under the 1 MB a host may answer and the 64 MiB it may be sent: `upload-begin` announces the
 * upload, `upload-chunk` carries the bytes of one file in order, `upload-end` turns the received
 * files into a share, `upload-cancel` drops them. The host keeps them in a private temporary folder
 * that is deleted when the share stops, the upload is cancelled or left idle, or the host exits.
 */
export interface UploadBeginRequest {
  id: string;
  type: 'upload-begin';
  /** What the user dropped, as the share list will show it: `site.zip`, `dist`, `3 files`. */
  label: string;
  /** Sum of every file's size in bytes; the host refuses more than MAX_UPLOAD_BYTES. */
  totalBytes: number;
  /** How many files follow; the host refuses more than MAX_UPLOAD_FILES. */
  fileCount: number;
  /** true: exactly one file follows, a .zip the host unpacks (zip-slip checked, same limits) at `upload-end`. */
  archive?: boolean;
}
export interface UploadChunkRequest {
  id: string;
  type: 'upload-chunk';
  uploadId: string;
  /** The file's path inside the upload, `/`-separated and relative (`css/site.css`); no `..`, no leading `/`. */
  path: string;
  /** Byte offset of this chunk in the file: chunks of a file come in order, starting at 0. */
  offset: number;
  /** The chunk's bytes in base64, at most UPLOAD_CHUNK_BYTES before encoding; may be empty (an empty file). */
  data: string;
}
export interface UploadEndRequest {
  id: string;
  type: 'upload-end';
  uploadId: string;
  options?: FolderOptions;
  settings?: ShareSettings;
  address?: AddressChoice;
}
export interface UploadCancelRequest {
  id: string;
  type: 'upload-cancel';
  uploadId: string;
}

/**
 * The connected Cloudflare account (feature `stable`). `account` reads it; `connect` starts
 * `cloudflared tunnel login` (the reply carries the authorisation URL to open in a tab, and an
 * `account-event` follows when the user has picked a zone, or the login failed or timed out);
 * `connect-token` uses a tunnel token from Cloudflare's dashboard instead; `disconnect` removes what
 * Porthole created in the account (its DNS records, its tunnel) and the certificate or token.
 */
export interface AccountRequest {
  id: string;
  type: 'account';
}
export interface ConnectRequest {
  id: string;
  type: 'connect';
}
export interface ConnectTokenRequest {
  id: string;
  type: 'connect-token';
  /** The tunnel token as the dashboard shows it (base64 JSON); kept in the state folder, never logged nor put in argv. */
  token: string;
  /** The public hostname configured for that tunnel in the dashboard (`app.example.com`). */
  hostname: string;
}
export interface DisconnectRequest {
  id: string;
  type: 'disconnect';
}

export type ExtensionToHost =
  | HelloRequest
  | ShareRequest
  | StopRequest
  | StopAllRequest
  | ListRequest
  | ConfigureRequest
  | ShareFolderRequest
  | UploadBeginRequest
  | UploadChunkRequest
  | UploadEndRequest
  | UploadCancelRequest
  | AccountRequest
  | ConnectRequest
  | ConnectTokenRequest
  | DisconnectRequest;
export type RequestType = ExtensionToHost['type'];
export const REQUEST_TYPES: readonly RequestType[] = [
  'hello',
  'share',
  'stop',
  'stop-all',
  'list',
  'configure',
  'share-folder',
  'upload-begin',
  'upload-chunk',
  'upload-end',
  'upload-cancel',
  'account',
  'connect',
  'connect-token',
  'disconnect',
];

/** Raw bytes per `upload-chunk` (base64 makes them about 700 KB on the wire, under every frame limit). */
export const UPLOAD_CHUNK_BYTES = 512 * 1024;
/** The most one upload (or the files unpacked from one archive) may hold. */
export const MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;
export const MAX_UPLOAD_FILES = 10_000;

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
export interface ShareFolderResult {
  type: 'share-folder';
  share: Share;
  /** true when that folder was already shared and that share is returned. */
  existing: boolean;
}
export interface UploadBeginResult {
  type: 'upload-begin';
  uploadId: string;
}
export interface UploadChunkResult {
  type: 'upload-chunk';
  uploadId: string;
  /** Bytes received so far across every file of the upload: the extension's progress bar. */
  receivedBytes: number;
}
export interface UploadEndResult {
  type: 'upload-end';
  share: Share;
  /** Always false: every upload is a share of its own. */
  existing: boolean;
}
export interface UploadCancelResult {
  type: 'upload-cancel';
  uploadId: string;
}

/** A Cloudflare account as Porthole uses it. */
export interface AccountStatus {
  /** `connecting`: a login is waiting for the user to pick a zone at `loginUrl`. */
  state: 'disconnected' | 'connecting' | 'connected';
  /** `cert`: `cloudflared tunnel login`, Porthole creates its tunnel and DNS records; `token`: a dashboard-managed tunnel. */
  mode: 'cert' | 'token' | null;
  /** The zone stable names go under (`example.com`); for token mode the configured hostname's zone. */
  zone: string | null;
  /** The page the user must open to authorise, while `connecting`. */
  loginUrl: string | null;
  /** Porthole's named tunnel on this computer, once created (first stable share). */
  tunnel: { id: string; name: string } | null;
  /** Token mode: the hostname the dashboard routes to this tunnel. */
  tokenHostname: string | null;
  /** Token mode: the local address to enter as the tunnel's service in the dashboard (`http://127.0.0.1:PORT`). */
  tokenService: string | null;
  /** Hostnames Porthole routed in this account, remembered so that disconnect removes exactly those. */
  hostnames: string[];
  /** Why the last connect or disconnect failed; null when it did not. */
  error: HostError | null;
}

/** No account: what a host without one reports, and what the extension assumes before it asks. */
export const NO_ACCOUNT: AccountStatus = {
  state: 'disconnected',
  mode: null,
  zone: null,
  loginUrl: null,
  tunnel: null,
  tokenHostname: null,
  tokenService: null,
  hostnames: [],
  error: null,
};

export interface AccountResult {
  type: 'account';
  account: AccountStatus;
}
export interface ConnectResult {
  type: 'connect';
  account: AccountStatus;
}
export interface ConnectTokenResult {
  type: 'connect-token';
  account: AccountStatus;
}
export interface DisconnectResult {
  type: 'disconnect';
  account: AccountStatus;
  /** Shares on a stable address that were stopped first. */
  stopped: Share[];
}

export type ReplyResult =
  | HelloResult
  | ShareResult
  | StopResult
  | StopAllResult
  | ListResult
  | ConfigureResult
  | ShareFolderResult
  | UploadBeginResult
  | UploadChunkResult
  | UploadEndResult
  | UploadCancelResult
  | AccountResult
  | ConnectResult
  | ConnectTokenResult
  | DisconnectResult;

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
  // cloudflared ended on its own while the share was live: the host starts it again (state back to
  // `starting`, `url` null, `restarts` counted), then `restarted` carries the new address, then `live`.
  'restarting',
  'restarted',
] as const;
export type ShareChange = (typeof SHARE_CHANGES)[number];

/** Pushed whenever a share changes; carries no `id` because it answers no request. */
export interface ShareEvent {
  type: 'share-event';
  change: ShareChange;
  share: Share;
}

/** Pushed when the account changes outside a request: a login finished, failed or timed out. */
export interface AccountEvent {
  type: 'account-event';
  account: AccountStatus;
}

export type HostToExtension = Reply | ShareEvent | AccountEvent;

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

export function isAccountEvent(message: HostToExtension): message is AccountEvent {
  return !('ok' in message) && message.type === 'account-event';
}
