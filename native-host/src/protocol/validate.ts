import {
  type AddressChoice,
  type ExtensionToHost,
  type FolderOptions,
  type HostError,
  REQUEST_TYPES,
  type RequestType,
  type ShareSettings,
} from './messages.js';

export const MAX_ID_LENGTH = 128;
export const MAX_ORIGIN_LENGTH = 2048;
/** Longer than any path a file system takes (Linux PATH_MAX is 4096). */
export const MAX_FOLDER_PATH_LENGTH = 4096;
export const MAX_PASSWORD_LENGTH = 256;
/** Anyone with the public address can guess (issue 9): shorter passwords fall too fast even at a few guesses a minute. */
export const MIN_PASSWORD_LENGTH = 8;
/** One week: a share is a developer showing work in progress, not hosting. */
export const MAX_EXPIRY_MINUTES = 7 * 24 * 60;

export type Validated = { ok: true; request: ExtensionToHost } | { ok: false; id: string | null; error: HostError };

function badRequest(id: string | null, message: string): Validated {
  return { ok: false, id, error: { code: 'bad-request', message } };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Reads an own property only, so keys like `__proto__` or `constructor` can never stand in for fields. */
function own(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Control characters cannot be typed into a browser's password prompt nor carried by basic auth. */
/** C0 and C1 control characters and DEL: a visitor could not type them, and they forge log lines. */
export const CONTROL_CHARACTER = /\p{Cc}/u;

type Field<T> = { ok: true; value: T } | { ok: false; message: string };

/** Reads the settings of `share` and `configure`; absent stays absent. */
function readSettings(record: Record<string, unknown>): Field<ShareSettings> {
  const settings: ShareSettings = {};
  const password = own(record, 'password');
  if (password !== undefined) {
    if (password !== null && (typeof password !== 'string' || password.length > MAX_PASSWORD_LENGTH || CONTROL_CHARACTER.test(password))) {
      return {
        ok: false,
        message: `The setting "password" must be a string of ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters without control characters, or null for no password.`,
      };
    }
    if (password !== null && [...password].length < MIN_PASSWORD_LENGTH) {
      return {
        ok: false,
        message: `The setting "password" is too short: anyone with the address can try to guess it, so it needs at least ${MIN_PASSWORD_LENGTH} characters (a few words work well).`,
      };
    }
    settings.password = password;
  }
  const minutes = own(record, 'expiresInMinutes');
  if (minutes !== undefined) {
    if (minutes !== null && (typeof minutes !== 'number' || !Number.isFinite(minutes) || minutes <= 0 || minutes > MAX_EXPIRY_MINUTES)) {
      return {
        ok: false,
        message:
          `The setting "expiresInMinutes" must be a number of minutes above 0 and at most ${MAX_EXPIRY_MINUTES} ` +
          '(one week; fractions allowed), or null for no expiry.',
      };
    }
    settings.expiresInMinutes = minutes;
  }
  const keepPublicHost = own(record, 'keepPublicHost');
  if (keepPublicHost !== undefined) {
    if (typeof keepPublicHost !== 'boolean') return { ok: false, message: `The setting "keepPublicHost" must be true or false.` };
    settings.keepPublicHost = keepPublicHost;
  }
  return { ok: true, value: settings };
}

/**
 * A request's `settings` object. Protocol-1 extensions put them in `options` (share) or beside the
 * other fields (configure): still read, so that an older extension's password is never dropped.
 */
function settingsOf(request: Record<string, unknown>, type: 'share' | 'configure' | 'share-folder'): Field<ShareSettings> {
  const given = own(request, 'settings') ?? (type === 'share' ? own(request, 'options') : type === 'configure' ? request : undefined);
  if (given === undefined || given === null) return { ok: true, value: {} };
  if (!isPlainObject(given)) {
    return {
      ok: false,
      message:
        'A request\'s "settings", when given, must be an object such as {"password": "…", "expiresInMinutes": 30, "keepPublicHost": false}.',
    };
  }
  return readSettings(given);
}

/** `/home/me/site`, `C:\\Users\\me\\site`, `\\\\server\\share\\site`: whether the path is absolute is all that can be told here. */
const ABSOLUTE_PATH = /^(?:\/|[A-Za-z]:[\\/]|\\\\)/;

function readFolderOptions(record: Record<string, unknown>): Field<FolderOptions> {
  const given = own(record, 'options');
  if (given === undefined || given === null) return { ok: true, value: {} };
  if (!isPlainObject(given))
    return {
      ok: false,
      message:
        'A share-folder request\'s "options", when given, must be an object such as {"spa": false, "listing": false, "dotfiles": false}.',
    };
  const options: FolderOptions = {};
  for (const name of ['spa', 'listing', 'dotfiles'] as const) {
    const value = own(given, name);
    if (value === undefined) continue;
    if (typeof value !== 'boolean') return { ok: false, message: `The folder option "${name}" must be true or false.` };
    options[name] = value;
  }
  return { ok: true, value: options };
}

/** Longer than any tunnel token the dashboard shows (about 200 characters). */
export const MAX_TOKEN_LENGTH = 4096;
/** The longest DNS name. */
export const MAX_HOSTNAME_LENGTH = 253;

/** `address` of share and share-folder (feature `stable`); whether a name is a DNS label is the host's call (`name-invalid`). */
function readAddress(record: Record<string, unknown>): Field<AddressChoice | undefined> {
  const address = own(record, 'address');
  if (address === undefined || address === null) return { ok: true, value: undefined };
  const wrong = { ok: false as const, message: 'The field "address" must be {"kind":"quick"} or {"kind":"stable","name"?: "<name>"}.' };
  if (!isPlainObject(address)) return wrong;
  const kind = own(address, 'kind');
  if (kind === 'quick') return { ok: true, value: { kind } };
  if (kind !== 'stable') return wrong;
  const name = own(address, 'name');
  if (name === undefined || name === null) return { ok: true, value: { kind } };
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_HOSTNAME_LENGTH) {
    return { ok: false, message: `The field "address.name" must be a name of 1 to ${MAX_HOSTNAME_LENGTH} characters.` };
  }
  return { ok: true, value: { kind, name } };
}

function readShareId(record: Record<string, unknown>): string | null {
  const shareId = own(record, 'shareId');
  return typeof shareId === 'string' && shareId.length > 0 && shareId.length <= MAX_ID_LENGTH ? shareId : null;
}

function isRequestType(value: unknown): value is RequestType {
  return typeof value === 'string' && (REQUEST_TYPES as readonly string[]).includes(value);
}

/**
 * Checks one decoded JSON value against the contract. Unknown fields are ignored so that a newer
 * extension can talk to an older host; missing or mistyped ones are refused with a sentence that
 * names the field.
 */
export function validateRequest(value: unknown): Validated {
  if (!isPlainObject(value)) return badRequest(null, 'A request must be a JSON object with "id" and "type".');
  const rawId = own(value, 'id');
  const id = typeof rawId === 'string' && rawId.length > 0 && rawId.length <= MAX_ID_LENGTH ? rawId : null;
  if (id === null) {
    return badRequest(null, `A request needs an "id": a non-empty string of at most ${MAX_ID_LENGTH} characters.`);
  }
  const type = own(value, 'type');
  if (!isRequestType(type)) {
    return badRequest(id, `Unknown request type ${JSON.stringify(type) ?? 'undefined'}; expected one of ${REQUEST_TYPES.join(', ')}.`);
  }
  switch (type) {
    case 'hello':
    case 'list':
    case 'stop-all':
      return { ok: true, request: { id, type } };
    case 'share': {
      const origin = own(value, 'origin');
      if (typeof origin !== 'string' || origin.length === 0 || origin.length > MAX_ORIGIN_LENGTH) {
        return badRequest(
          id,
          `A share request needs an "origin": the http(s) address of the local page, at most ${MAX_ORIGIN_LENGTH} characters.`,
        );
      }
      const settings = settingsOf(value, type);
      if (!settings.ok) return badRequest(id, settings.message);
      const address = readAddress(value);
      if (!address.ok) return badRequest(id, address.message);
      return {
        ok: true,
        request: { id, type, origin, settings: settings.value, ...(address.value === undefined ? {} : { address: address.value }) },
      };
    }
    case 'share-folder': {
      const path = own(value, 'path');
      if (
        typeof path !== 'string' ||
        path.length === 0 ||
        path.length > MAX_FOLDER_PATH_LENGTH ||
        path.includes('\0') ||
        !ABSOLUTE_PATH.test(path)
      ) {
        return badRequest(
          id,
          `A share-folder request needs a "path": the absolute path of a folder on this computer, at most ${MAX_FOLDER_PATH_LENGTH} characters.`,
        );
      }
      const options = readFolderOptions(value);
      if (!options.ok) return badRequest(id, options.message);
      const settings = settingsOf(value, type);
      if (!settings.ok) return badRequest(id, settings.message);
      const address = readAddress(value);
      if (!address.ok) return badRequest(id, address.message);
      return {
        ok: true,
        request: {
          id,
          type,
          path,
          options: options.value,
          settings: settings.value,
          ...(address.value === undefined ? {} : { address: address.value }),
        },
      };
    }
    case 'stop': {
      const shareId = readShareId(value);
      if (shareId === null) return badRequest(id, 'A stop request needs a "shareId": the id of a share from a share or list reply.');
      return { ok: true, request: { id, type, shareId } };
    }
    case 'configure': {
      const shareId = readShareId(value);
      if (shareId === null) return badRequest(id, 'A configure request needs a "shareId": the id of a share from a share or list reply.');
      const settings = settingsOf(value, type);
      if (!settings.ok) return badRequest(id, settings.message);
      return { ok: true, request: { id, type, shareId, settings: settings.value } };
    }
    case 'account':
    case 'connect':
    case 'disconnect':
      return { ok: true, request: { id, type } };
    case 'connect-token': {
      const token = own(value, 'token');
      if (typeof token !== 'string' || token.trim().length === 0 || token.length > MAX_TOKEN_LENGTH) {
        return badRequest(
          id,
          `A connect-token request needs a "token": the tunnel token from Cloudflare's dashboard, at most ${MAX_TOKEN_LENGTH} characters.`,
        );
      }
      const hostname = own(value, 'hostname');
      if (typeof hostname !== 'string' || hostname.length === 0 || hostname.length > MAX_HOSTNAME_LENGTH) {
        return badRequest(
          id,
          `A connect-token request needs a "hostname": the public hostname set for that tunnel, at most ${MAX_HOSTNAME_LENGTH} characters.`,
        );
      }
      return { ok: true, request: { id, type, token, hostname } };
    }
    default:
      // Part of the contract, not yet served by this host (it does not announce the feature).
      return badRequest(id, `This version of the Porthole host cannot answer "${type}" requests yet. Update the host.`);
  }
}
