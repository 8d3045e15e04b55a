/**
 * Which address to dial for the origin. `localhost` is 127.0.0.1 on some systems and ::1 on others
 * (Node ≥ 17 keeps the resolver's order, so `localhost` is often ::1), and dev servers listen on one
 * of the two: Vite on whatever `localhost` resolved to, many others on 127.0.0.1 only. The browser
 * on this computer tries both; the gateway must too. Pure: the I/O is in origin-dialer.ts.
 */

export type Family = 4 | 6;
export interface Candidate {
  address: string;
  family: Family;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * The addresses a loopback hostname may mean, the one that worked last first. `localhost` and
 * `*.localhost` are both loopbacks (RFC 6761 §6.3; browsers never ask DNS for them).
 */
export function dialCandidates(hostname: string, lastGood: string | null = null): Candidate[] {
  const bare = hostname.replace(/^\[|\]$/g, '');
  let candidates: Candidate[];
  if (bare === 'localhost' || bare.endsWith('.localhost')) {
    candidates = [
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ];
  } else if (IPV4.test(bare)) {
    candidates = [{ address: bare, family: 4 }];
  } else {
    candidates = [{ address: bare, family: 6 }];
  }
  if (lastGood === null) return candidates;
  const preferred = candidates.filter((candidate) => candidate.address === lastGood);
  return [...preferred, ...candidates.filter((candidate) => candidate.address !== lastGood)];
}

/** Errors that mean "nothing is listening there", as opposed to a server that misbehaved. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'EADDRNOTAVAIL', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT']);

export function isUnreachableError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && UNREACHABLE.has(code)) return true;
  // Node's happy eyeballs report an AggregateError with every attempt's error.
  const errors = (error as { errors?: unknown } | null)?.errors;
  return Array.isArray(errors) && errors.length > 0 && errors.every((inner) => isUnreachableError(inner));
}
