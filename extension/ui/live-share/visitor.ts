import type { RequestRecord } from '../../lib/protocol';

/**
 * Who a request came from, as far as Porthole may tell: Cloudflare's country and the gateway's
 * anonymous tag for the visitor (never an address). Pure, for the rows, the counts and the inspector.
 */

let regionNames: Intl.DisplayNames | null | undefined;

/** "Germany" for "DE"; the code itself when the browser cannot name it. */
export function countryName(code: string): string {
  if (regionNames === undefined) {
    try {
      regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
    } catch {
      regionNames = null;
    }
  }
  try {
    return regionNames?.of(code) ?? code;
  } catch {
    return code;
  }
}

/** "visitor v3f9a from Germany", "a visitor from an unknown country", for titles and screen readers. */
export function describeVisitor(record: Pick<RequestRecord, 'country' | 'visitor'>): string {
  const who = record.visitor ? `visitor ${record.visitor}` : 'a visitor';
  return `${who} from ${record.country ? countryName(record.country) : 'an unknown country'}`;
}

/** The distinct countries among recent requests, most requests first: what the visitor count can show. */
export function countriesOf(recent: readonly RequestRecord[]): string[] {
  const counts = new Map<string, number>();
  for (const record of recent) if (record.country) counts.set(record.country, (counts.get(record.country) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([code]) => code);
}
