import { checkLoopbackOrigin } from '../lib/protocol';

/** The tab the popup is about. */
export type PageInfo =
  | { kind: 'loading' }
  /** url: the tab's full address, whose path the public link carries (public-link.ts); absent: the root. */
  | { kind: 'loopback'; tabId: number | null; origin: string; url?: string }
  /** url is null when the browser did not tell (a page the extension may not read, or no tab). */
  | { kind: 'other'; tabId: number | null; url: string | null };

export function describePage(tab: { id?: number; url?: string } | null | undefined): PageInfo {
  const tabId = tab?.id ?? null;
  const url = tab?.url ?? null;
  const checked = url === null ? null : checkLoopbackOrigin(url);
  if (checked?.ok && url !== null) return { kind: 'loopback', tabId, origin: checked.value.origin, url };
  return { kind: 'other', tabId, url };
}
