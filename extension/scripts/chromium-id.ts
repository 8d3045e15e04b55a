import { createHash } from 'node:crypto';

/**
 * Chromium's extension id for a manifest `key`: the first 32 hex digits of sha256 over the DER
 * (SubjectPublicKeyInfo) public key, each digit mapped 0-f → a-p.
 */
export function chromiumIdFromPublicKey(der: Uint8Array): string {
  const hex = createHash('sha256').update(der).digest('hex').slice(0, 32);
  return [...hex].map((digit) => String.fromCharCode('a'.charCodeAt(0) + Number.parseInt(digit, 16))).join('');
}
