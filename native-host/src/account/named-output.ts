/**
 * What cloudflared's account commands print (2023.7.3, captured in
 * fixtures/cloudflared/named/; later wordings read off the source where they differ), turned into
 * results and coded errors. Results go to stdout for `create`, to stderr as an INF log line for
 * `route dns`; every failure ends stderr with a bare last line. Pure: every pattern has a sample.
 */
import { hostError } from '../errors.js';
import type { HostError } from '../protocol/index.js';

// 2026-12-01T19:24:49Z INF Added CNAME app.example.com which will route to this tunnel tunnelID=…
const LOG_PREFIX = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d) (?:DBG|INF|WRN|ERR|FTL) /;

/**
 * login (both banners, login-no-browser and login-browser-opened):
 * https://dash.cloudflare.com/argotunnel?aud=&callback=https%3A%2F%2Flogin.cloudflareaccess.org%2FIJPJ…%3D
 */
const LOGIN_URL = /^(https?:\/\/\S+[?&]callback=\S+)$/;

export function parseLoginUrl(line: string): string | null {
  return LOGIN_URL.exec(line.trim())?.[1] ?? null;
}

// create-ok: Created tunnel porthole-test with id 11111111-2222-4333-8444-555555555555
const CREATED = /^Created tunnel (\S*) with id ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/m;
/** create-200-success-false: 2023.7.3 reports a refused create as this tunnel (fixed in 2024.3.0). */
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

export function parseCreatedTunnel(stdout: string): { id: string; name: string } | null {
  const match = CREATED.exec(stdout.replace(/\r/g, ''));
  if (match?.[1] === undefined || match[2] === undefined || match[2] === NIL_UUID || match[1] === '') return null;
  return { name: match[1], id: match[2] };
}

export type RouteChange = 'new' | 'unchanged' | 'updated';

// route-dns-ok:        … INF Added CNAME app.example.com which will route to this tunnel tunnelID=…
// route-dns-unchanged: … INF app.example.com is already configured to route to your tunnel tunnelID=…
// (source, "not currently returned"): … INF app.example.com updated to route to your tunnel tunnelID=…
const ROUTES: readonly [RegExp, RouteChange][] = [
  [/^Added CNAME (\S+) which will route to this tunnel\b/, 'new'],
  [/^(\S+) is already configured to route to your tunnel\b/, 'unchanged'],
  [/^(\S+) updated to route to your tunnel\b/, 'updated'],
];

/** The hostname as the API answered it (`result.name`: the zone is appended to a name outside it). */
export function parseRouteResult(stderr: string): { hostname: string; change: RouteChange } | null {
  for (const raw of stderr.split(/\r?\n/)) {
    const line = raw.replace(LOG_PREFIX, '');
    for (const [pattern, change] of ROUTES) {
      const match = pattern.exec(line);
      if (match?.[1] !== undefined) return { hostname: match[1].toLowerCase(), change };
    }
  }
  return null;
}

/** The bare last line cloudflared exits with (the CLI framework prints the error last, no timestamp). */
export function lastLine(output: string): string {
  const lines = output
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^See 'cloudflared .*--help'\.$/.test(line));
  return lines.at(-1)?.replace(LOG_PREFIX, '') ?? '';
}

/** create-name-exists: failed to create tunnel: Create Tunnel API call failed: tunnel with name already exists */
export function isNameTaken(stderr: string): boolean {
  return /tunnel with name already exists/.test(stderr);
}

/** delete-active-connections: … code: 1022, reason: Cannot delete tunnel because it has active connections */
export function hasActiveConnections(stderr: string): boolean {
  return /\bcode: 1022\b/.test(stderr);
}

/** delete-already-deleted / delete-unknown-tunnel: nothing left to delete. */
export function isAlreadyGone(stderr: string): boolean {
  return /has already been deleted|there should only be 1 non-deleted Tunnel named|is neither the ID nor the name of any of your tunnels/.test(
    stderr,
  );
}

/**
 * Why an account command failed, as a coded error, from its whole stderr (the last line carries
 * the reason; the cert errors come as a log entry before it).
 */
export function classifyFailure(stderr: string, what: string): HostError {
  const detail = lastLine(stderr);
  // route-dns-record-exists: Failed to add route: code: 1003, reason: An A, AAAA, or CNAME record with that host already exists.
  if (/\bcode: 1003\b/.test(stderr)) return hostError('dns-record-foreign', undefined, detail);
  // run-token-invalid / run-token-bad-json: Provided Tunnel token is not valid.
  if (/Provided Tunnel token is not valid/.test(stderr)) return hostError('token-invalid', undefined, detail);
  // create-no-cert: … Error locating origin cert: cannot find a valid certificate at the path <state>/missing.pem
  if (/Error locating origin cert|Cannot find a valid certificate|Cannot determine default origin certificate path/.test(stderr))
    return hostError('not-logged-in', undefined, detail);
  // create-401 / route-dns-401 / list-401: … code: 10000, reason: Authentication error
  // (source: a 401/403 without a JSON body ends in plain "unauthorized"; a cert without accountID asks to be refreshed)
  if (/\bcode: 10000\b|Authentication error|: unauthorized$|Origin certificate needs to be refreshed/m.test(stderr))
    return hostError('certificate-invalid', undefined, detail);
  // create-api-unreachable: … REST request failed: Post "http://…": dial tcp 127.0.0.1:45199: connect: connection refused
  // create-500-html: … API call to create tunnel failed with status 500: Internal Server Error
  // create-503-json: … code: 10001, reason: Service unavailable, please try again later
  return hostError(
    'account-error',
    `cloudflared could not ${what} in your Cloudflare account. Check your internet connection and try again; the details are below.`,
    detail,
  );
}
