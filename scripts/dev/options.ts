/**
 * What `npm start` was asked to do, from its arguments and environment. Pure, so that every
 * combination is a unit test; start.ts does the I/O.
 *
 *   npm start [-- --offline] [-- --rebuild]       Chromium (or PORTHOLE_BROWSER)
 *   npm run start:firefox [-- --offline]          Firefox ESR (or PORTHOLE_BROWSER)
 *
 * Environment: PORTHOLE_HEADLESS=1 (no window), PORTHOLE_REBUILD=1 (same as --rebuild),
 * PORTHOLE_OFFLINE=1 (same as --offline), PORTHOLE_BROWSER (the browser's executable),
 * PORTHOLE_BROWSER_ARGS (extra browser flags, split on spaces), PORTHOLE_CLOUDFLARED.
 */
import { isAbsolute, resolve } from 'node:path';

export type BrowserFamily = 'chromium' | 'firefox';

export interface StartOptions {
  family: BrowserFamily;
  offline: boolean;
  rebuild: boolean;
  headless: boolean;
  /** PORTHOLE_BROWSER, made absolute against the caller's folder when it is a path. */
  browser: string | null;
  browserArgs: string[];
  /** PORTHOLE_CLOUDFLARED made absolute: the host runs in another folder (the browser chooses it). */
  cloudflared: string | null;
  help: boolean;
}

export class StartUsageError extends Error {
  readonly code = 'bad-usage';
}

export const USAGE = `Usage: npm start [-- --offline] [-- --rebuild]      (Chromium)
       npm run start:firefox [-- --offline]        (Firefox ESR)

  --offline   share through a stand-in for cloudflared, built here: no cloudflared or internet needed
  --rebuild   build the host and the extension even if their sources did not change
  --firefox   open Firefox instead of Chromium (what npm run start:firefox does)

Environment: PORTHOLE_HEADLESS=1 (no window), PORTHOLE_REBUILD=1, PORTHOLE_OFFLINE=1,
PORTHOLE_BROWSER=/path/to/browser, PORTHOLE_BROWSER_ARGS="--flag …", PORTHOLE_CLOUDFLARED=/path/to/cloudflared`;

const truthy = (value: string | undefined): boolean =>
  value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';

/** A relative path in an environment variable means "from where I typed the command". */
function absoluteFrom(cwd: string, value: string | undefined): string | null {
  if (value === undefined || value === '') return null;
  // A bare name ("chromium") is looked up on PATH by whoever runs it, not taken as a path.
  if (!value.includes('/') && !value.includes('\\')) return value;
  return isAbsolute(value) ? value : resolve(cwd, value);
}

export function parseStartOptions(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): StartOptions {
  const options: StartOptions = {
    family: 'chromium',
    offline: truthy(env.PORTHOLE_OFFLINE),
    rebuild: truthy(env.PORTHOLE_REBUILD),
    headless: truthy(env.PORTHOLE_HEADLESS),
    browser: absoluteFrom(cwd, env.PORTHOLE_BROWSER),
    browserArgs: (env.PORTHOLE_BROWSER_ARGS ?? '').split(/\s+/).filter((arg) => arg !== ''),
    cloudflared: null,
    help: false,
  };
  for (const arg of argv) {
    if (arg === '--offline') options.offline = true;
    else if (arg === '--rebuild') options.rebuild = true;
    else if (arg === '--firefox') options.family = 'firefox';
    else if (arg === '--chromium') options.family = 'chromium';
    else if (arg === '--headless') options.headless = true;
    else if (arg === '--help' || arg === '-h') options.help = true;
    else throw new StartUsageError(`npm start does not know "${arg}".\n${USAGE}`);
  }
  const cloudflared = env.PORTHOLE_CLOUDFLARED;
  if (cloudflared !== undefined && cloudflared !== '')
    options.cloudflared = isAbsolute(cloudflared) ? cloudflared : resolve(cwd, cloudflared);
  return options;
}
