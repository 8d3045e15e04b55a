/**
 * The share's password: HTTP basic auth (RFC 7617) checked at the gateway, any user name, for curl
 * and scripts (`-u any:password`); people get a sign-in page instead (sign-in.ts). Pure.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** charset="UTF-8" asks browsers to send non-ASCII passwords as UTF-8 rather than Latin-1 (RFC 7617 §2.1). */
export const AUTH_CHALLENGE = 'Basic realm="Porthole share", charset="UTF-8"';

const BASIC = /^basic[ \t]+([A-Za-z0-9+/=._~-]+)[ \t]*$/i;

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Compares digests, so the time taken says nothing about how much of the password was right. */
export function passwordMatches(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

function passwordPart(decoded: string): string | null {
  const colon = decoded.indexOf(':');
  return colon === -1 ? null : decoded.slice(colon + 1);
}

/**
 * The passwords a basic Authorization header may carry, or null when it carries none (absent, or
 * another scheme: that is no guess at the share's password).
 */
export function basicAuthPasswords(authorization: string | undefined): string[] | null {
  if (authorization === undefined) return null;
  const match = BASIC.exec(authorization);
  if (match?.[1] === undefined) return null;
  const bytes = Buffer.from(match[1], 'base64');
  // Browsers that ignore the charset parameter send Latin-1; both readings are tried.
  const passwords = new Set<string>();
  for (const decoded of [bytes.toString('utf8'), bytes.toString('latin1')]) {
    const given = passwordPart(decoded);
    if (given !== null) passwords.add(given);
  }
  return [...passwords];
}

/** true when the Authorization header carries `password` (with any user name). */
export function checkBasicAuth(authorization: string | undefined, password: string): boolean {
  const passwords = basicAuthPasswords(authorization);
  if (passwords === null) return false;
  let ok = false;
  for (const given of passwords) if (passwordMatches(given, password)) ok = true;
  return ok;
}
