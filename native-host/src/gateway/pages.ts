/**
 * The few pages the gateway answers itself. Visitors are strangers: the pages say what happened in
 * plain words and reveal nothing of the developer's machine (no port, no path, no error text).
 */

function page(title: string, body: string, refreshSeconds?: number): string {
  const refresh = refreshSeconds === undefined ? '' : `<meta http-equiv="refresh" content="${refreshSeconds}">`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">${refresh}<title>${title}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:34em;margin:15vh auto;padding:0 1.5em;color:#222}h1{font-size:1.4em}p{color:#555}small{color:#888}</style></head>
<body><h1>${title}</h1>${body}<p><small>Shared with Porthole</small></p></body></html>
`;
}

/** Reloads itself every few seconds, so the visitor sees the page as soon as the server is back. */
export const ORIGIN_DOWN_RETRY_SECONDS = 5;
export const ORIGIN_DOWN_PAGE = page(
  'The developer’s local server is not running',
  `<p>This address shares a page from someone’s computer, but the local server behind it is not running right now.</p><p>This page will try again every ${ORIGIN_DOWN_RETRY_SECONDS} seconds and show the site as soon as it is back.</p>`,
  ORIGIN_DOWN_RETRY_SECONDS,
);

export const ORIGIN_ERROR_PAGE = page(
  'The developer’s local server did not answer properly',
  '<p>The local server behind this address closed the connection or sent something that is not HTTP. Try again in a moment.</p>',
);

export const PASSWORD_PAGE = page(
  'This shared page needs a password',
  '<p>Ask the person who sent you this address for the password, then reload. Any user name works.</p>',
);
