/**
 * What Porthole keeps of a connected Cloudflare account, in `<state>/cloudflare/` (0700, files
 * 0600): never in ~/.cloudflared, so the user's own cloudflared is left alone.
 *   cert.pem                 the login certificate (`tunnel login`), holding the account's API token
 *   tunnel-credentials.json  the named tunnel's secret (`tunnel create --credentials-file`)
 *   tunnel.yml               the run config: the tunnel, its credentials, one catch-all rule to the router
 *   tunnel-token             token mode: the pasted tunnel token
 *   account.json             this record
 *   login-home/              HOME of the `tunnel login` child, which writes ~/.cloudflared/cert.pem there
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writePrivateFile } from '../state-dir.js';

export interface AccountRecord {
  mode: 'cert' | 'token';
  /** `example.com`; null while unknown (the API did not say; the first route tells). */
  zone: string | null;
  tunnel: { id: string; name: string } | null;
  /** Every hostname Porthole routed to its tunnel: the only records disconnect removes, and names re-sharing may reuse. */
  hostnames: string[];
  /** The stable name each local server got (by shareKeyOf), so it gets the same address tomorrow. */
  names: Record<string, string>;
  /** Token mode: the dashboard's public hostname and the fixed router port the dashboard points at. */
  token: { hostname: string; port: number } | null;
}

export interface AccountFiles {
  dir: string;
  cert: string;
  credentials: string;
  config: string;
  token: string;
  record: string;
  loginHome: string;
}

export function accountFiles(stateDir: string): AccountFiles {
  const dir = join(stateDir, 'cloudflare');
  return {
    dir,
    cert: join(dir, 'cert.pem'),
    credentials: join(dir, 'tunnel-credentials.json'),
    config: join(dir, 'tunnel.yml'),
    token: join(dir, 'tunnel-token'),
    record: join(dir, 'account.json'),
    loginHome: join(dir, 'login-home'),
  };
}

function isRecord(value: unknown): value is AccountRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    (record.mode === 'cert' || record.mode === 'token') &&
    Array.isArray(record.hostnames) &&
    typeof record.names === 'object' &&
    record.names !== null
  );
}

export function readAccountRecord(path: string): AccountRecord | null {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return isRecord(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

export function writeAccountRecord(path: string, record: AccountRecord): void {
  writePrivateFile(path, `${JSON.stringify(record, null, 2)}\n`);
}

/** The run config: one catch-all ingress rule, so that shares come and go without cloudflared noticing. */
export function tunnelConfig(tunnelId: string, credentialsPath: string, routerUrl: string): string {
  return [
    '# Written by Porthole: every hostname goes to its router, which picks the share by Host.',
    `tunnel: ${tunnelId}`,
    `credentials-file: ${JSON.stringify(credentialsPath)}`,
    'no-autoupdate: true',
    'ingress:',
    `  - service: ${routerUrl}`,
    '',
  ].join('\n');
}
