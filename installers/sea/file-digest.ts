/** Hashes of whole files, streamed so that 100 MB binaries never sit in memory twice. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export async function fileDigest(path: string, algorithm: 'sha256' | 'sha512', encoding: 'hex' | 'base64'): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest(encoding);
}

/** Checks a file against a Subresource Integrity string as npm records it (`sha512-<base64>`). */
export async function matchesIntegrity(path: string, integrity: string): Promise<boolean> {
  const match = /^(sha256|sha512)-(.+)$/.exec(integrity);
  if (match === null) throw new Error(`Unsupported integrity string "${integrity}": expected sha512-<base64> or sha256-<base64>.`);
  const [, algorithm, expected] = match as unknown as [string, 'sha256' | 'sha512', string];
  return (await fileDigest(path, algorithm, 'base64')) === expected;
}
