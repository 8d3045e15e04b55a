/**
 * An address on one line, shortened in the middle when it does not fit, so both its start (the
 * tunnel's name) and its end (the page) stay readable. The text is whole in the DOM (copy by hand,
 * find in page, tests read it); CSS hides the middle of the first part. The full address is the
 * title (hover) and the accessible name (focus, screen readers).
 */

/** Characters kept whole at the end: enough for a page's last path segment. */
export const TAIL_CHARS = 18;

export function splitForMiddle(text: string, tail = TAIL_CHARS): [string, string] {
  if (text.length <= tail + 12) return [text, ''];
  return [text.slice(0, text.length - tail), text.slice(text.length - tail)];
}

export function ShortUrl({ url, href, class: className }: { url: string; href?: string; class?: string }) {
  const [head, tail] = splitForMiddle(url);
  const parts = (
    <>
      <span class="short-url-head" aria-hidden="true">
        {head}
      </span>
      {tail ? (
        <span class="short-url-tail" aria-hidden="true">
          {tail}
        </span>
      ) : null}
    </>
  );
  const classes = `short-url ${className ?? ''}`.trim();
  return href ? (
    <a class={classes} href={href} target="_blank" rel="noreferrer" title={url} aria-label={url}>
      {parts}
    </a>
  ) : (
    // A plain span has no accessible name: the full address is read out, the shortened one hidden.
    <span class={classes} title={url}>
      <span class="visually-hidden">{url}</span>
      <span aria-hidden="true">{parts}</span>
    </span>
  );
}
