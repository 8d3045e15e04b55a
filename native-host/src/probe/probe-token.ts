/**
 * How the gateway recognises the host's own check of the public address: a request for a secret
 * path, made by the host through the internet and cloudflared, is answered by the gateway itself
 * (not the origin) with a value derived from the secret. An answer with that value can only have
 * come through this share's tunnel to this gateway. Pure.
 */
import { createHash, randomBytes } from 'node:crypto';

const PROBE_PREFIX = '/.well-known/porthole-probe/';

export function newProbeToken(): string {
  return randomBytes(24).toString('hex');
}

export function probePath(token: string): string {
  return `${PROBE_PREFIX}${token}`;
}

/** True only for the exact path (a query string is tolerated: some edges add cache busters). */
export function isProbeRequest(url: string | undefined, token: string): boolean {
  if (url === undefined || !url.startsWith(PROBE_PREFIX)) return false;
  const query = url.indexOf('?');
  return (query === -1 ? url : url.slice(0, query)) === probePath(token);
}

/** The body the gateway answers with: not the token itself, so an echoing server cannot pass. */
export function probeAnswer(token: string): string {
  return `porthole-probe ${createHash('sha256').update(`porthole-probe:${token}`).digest('hex')}\n`;
}

export function isProbeAnswer(status: number, body: string, token: string): boolean {
  return status === 200 && body === probeAnswer(token);
}
