import { REQUEST_TYPES, type ExtensionToHost, type HostError, type RequestType } from './messages.js';

export const MAX_ID_LENGTH = 128;
export const MAX_ORIGIN_LENGTH = 2048;

export type Validated =
  | { ok: true; request: ExtensionToHost }
  | { ok: false; id: string | null; error: HostError };

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
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
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
        return badRequest(id, `A share request needs an "origin": the http(s) address of the local page, at most ${MAX_ORIGIN_LENGTH} characters.`);
      }
      return { ok: true, request: { id, type, origin } };
    }
    case 'stop': {
      const shareId = own(value, 'shareId');
      if (typeof shareId !== 'string' || shareId.length === 0 || shareId.length > MAX_ID_LENGTH) {
        return badRequest(id, 'A stop request needs a "shareId": the id of a share from a share or list reply.');
      }
      return { ok: true, request: { id, type, shareId } };
    }
  }
}
