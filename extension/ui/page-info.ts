import { type FilePage, filePageOf } from '../lib/file-page';
import { checkLoopbackOrigin } from '../lib/protocol';

/** The tab the popup is about. */
export type PageInfo =
  | { kind: 'loading' }
  /** url: the tab's full address, whose path the public link carries (public-link.ts); absent: the root. */
  /** title: the tab's title, which a stable address's name is proposed from (stable-name.ts). */
  | { kind: 'loopback'; tabId: number | null; origin: string; url?: string; title?: string }
  /** A page opened from disk: its folder can be shared (file-page.ts). */
  | { kind: 'file'; tabId: number | null; file: FilePage }
  /** url is null when the browser did not tell (a page the extension may not read, or no tab). */
  | { kind: 'other'; tabId: number | null; url: string | null };

export function describePage(tab: { id?: number; url?: string; title?: string } | null | undefined): PageInfo {
  const tabId = tab?.id ?? null;
  const url = tab?.url ?? null;
  const checked = url === null ? null : checkLoopbackOrigin(url);
  if (checked?.ok && url !== null) {
    return { kind: 'loopback', tabId, origin: checked.value.origin, url, ...(tab?.title ? { title: tab.title } : {}) };
  }
  const file = filePageOf(url);
  if (file !== null) return { kind: 'file', tabId, file };
  return { kind: 'other', tabId, url };
}
