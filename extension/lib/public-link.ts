import { shareKeyOf } from './protocol';

/**
 * The public link of the page a person is looking at: the share's address with the tab's path,
 * query and fragment. A share serves a whole local server (shareKeyOf), so every page of that
 * server has its public twin; the link people receive should open the page they were shown, not
 * the server's root. A tab of another server (or no tab, or a URL that does not parse) gets the
 * share's root address.
 */
export function publicLinkFor(shareUrl: string, tabUrl: string | null | undefined): string {
  if (!tabUrl) return shareUrl;
  let page: URL;
  let base: URL;
  try {
    page = new URL(tabUrl);
    base = new URL(shareUrl);
  } catch {
    return shareUrl;
  }
  const rest = `${page.pathname}${page.search}${page.hash}`;
  if (rest === '/') return shareUrl;
  // Built as text, not through URL setters, so the page's own escaping is kept exactly.
  return `${base.origin}${rest}`;
}

/** publicLinkFor, only when the tab is on the server that `origin` shares; otherwise the root address. */
export function publicLinkForServer(shareUrl: string, origin: string, tabUrl: string | null | undefined): string {
  if (!tabUrl) return shareUrl;
  const key = shareKeyOf(origin);
  return key !== null && key === shareKeyOf(tabUrl) ? publicLinkFor(shareUrl, tabUrl) : shareUrl;
}
