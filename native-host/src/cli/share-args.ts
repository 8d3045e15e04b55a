/**
 * `porthole-host share <port | address> [options]`, checked completely before anything is looked up
 * or started, and answered in the terms the person typed (`--minutes`, `port 99999`), never in the
 * message contract's field names. Pure.
 */

import { normaliseLabel } from '../account/names.js';
import type { AddressChoice, FolderOptions, ShareSettings } from '../protocol/index.js';
import { checkLoopbackOrigin } from '../protocol/loopback.js';
import { MAX_EXPIRY_MINUTES } from '../protocol/validate.js';
import { type OptionSpecs, parseCommandArgs } from './args.js';

/** Where the share's password comes from; the value itself never passes through argv. */
export type PasswordSource = 'none' | 'prompt' | 'stdin' | 'env';

export const SHARE_OPTIONS: OptionSpecs = {
  password: { kind: 'boolean' },
  'password-stdin': { kind: 'boolean' },
  minutes: { kind: 'string', valueName: 'n' },
  'keep-host': { kind: 'boolean' },
  spa: { kind: 'boolean' },
  listing: { kind: 'boolean' },
  dotfiles: { kind: 'boolean' },
  stable: { kind: 'boolean' },
  name: { kind: 'string', valueName: 'name' },
};

/** The options that only a file or folder share takes. */
const FOLDER_FLAGS = ['spa', 'listing', 'dotfiles'] as const;

export const PASSWORD_ENV = 'PORTHOLE_PASSWORD';

export type ShareArgs =
  /** `address` only with --stable (issue 14): a quick address otherwise. */
  | { ok: true; origin: string; settings: Omit<ShareSettings, 'password'>; password: PasswordSource; address?: AddressChoice }
  /** A file or folder, as typed (relative to the current folder); the CLI looks at the disk. */
  | {
      ok: true;
      path: string;
      folder: FolderOptions;
      settings: Omit<ShareSettings, 'password'>;
      password: PasswordSource;
      address?: AddressChoice;
    }
  | { ok: false; message: string };

/**
 * `./dist`, `/srv/site`, `~/site`, `..`, `C:\site` are paths; `dist` or `report.html` too, since no
 * local server has such a name. `localhost`, `host:port` and URLs stay addresses.
 */
export function looksLikePath(target: string): boolean {
  if (/^(?:\.{1,2}(?:[\\/]|$)|[\\/]|~(?:[\\/]|$)|[A-Za-z]:[\\/])/.test(target)) return true;
  if (shorthandPort(target) !== null || target.includes('://') || target.includes(':')) return false;
  return !originFromTarget(target).ok;
}

export const PORT_RANGE = '1–65535';

/**
 * Why `--password <value>` is refused, and what to use instead (issue 9: a password in argv is
 * readable by every user of the computer through ps or /proc/<pid>/cmdline).
 */
export const PASSWORD_IN_ARGV =
  'The share password is not taken on the command line: every user of this computer can read a ' +
  'command line (ps, /proc). Give it in one of these ways instead:\n' +
  `  porthole-host share 3000 --password              asks for it at the terminal, without showing it\n` +
  `  ${PASSWORD_ENV}=… porthole-host share 3000       from the environment\n` +
  `  … | porthole-host share 3000 --password-stdin    from the first line of standard input`;

/** A lone `3000` or `:3000` is this computer's port; anything else is read as an address. */
function shorthandPort(target: string): string | null {
  const match = /^:?(-?\d+)$/.exec(target);
  return match?.[1] ?? null;
}

function checkPort(text: string): string | null {
  if (!/^\d+$/.test(text)) return `port ${text} is out of range (${PORT_RANGE})`;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? null : `port ${text} is out of range (${PORT_RANGE})`;
}

/**
 * Turns the target into the origin to share. `3000`, `:3000`, `localhost:5173`, `0.0.0.0:8000`
 * (what `python -m http.server` prints) and full http(s) URLs are accepted; which hosts count as
 * this computer is decided by the contract module, never here.
 */
export function originFromTarget(target: string): { ok: true; origin: string } | { ok: false; message: string } {
  const port = shorthandPort(target);
  if (port !== null) {
    const problem = checkPort(port);
    return problem === null
      ? { ok: true, origin: `http://localhost:${Number(port)}` }
      : { ok: false, message: `${capitalise(problem)}. Give the port your local server listens on, e.g. porthole-host share 3000.` };
  }
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(target) ? target : `http://${target}`;
  // The URL parser throws on a port above 65535 and reads `:0` as port 0; say which port is wrong.
  const explicitPort = /^[a-z][a-z0-9+.-]*:\/\/(?:\[[^\]]*\]|[^/?#:]*)(?::([^/?#]*))?/i.exec(withScheme)?.[1];
  if (explicitPort !== undefined && explicitPort !== '') {
    const problem = checkPort(explicitPort);
    if (problem !== null) return { ok: false, message: `${capitalise(problem)} in ${target}.` };
  }
  const checked = checkLoopbackOrigin(withScheme);
  if (!checked.ok) return { ok: false, message: checked.message };
  return { ok: true, origin: withScheme };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `30`, `0.5`, `.5`: a plain decimal, so `1e3`, `0x10` or `30m` are not taken for something else. */
function parseMinutes(text: string): number | null {
  if (!/^(?:\d+(?:\.\d+)?|\.\d+)$/.test(text)) return null;
  const minutes = Number(text);
  return minutes > 0 && minutes <= MAX_EXPIRY_MINUTES ? minutes : null;
}

export const MINUTES_RULE = `--minutes must be a number of minutes above 0, at most ${MAX_EXPIRY_MINUTES} (one week); fractions like 0.5 are fine`;

export function parseShareArgs(argv: readonly string[]): ShareArgs {
  // Refused before parsing, so that the value is never echoed back in another message.
  if (argv.some((token) => token.startsWith('--password='))) return { ok: false, message: PASSWORD_IN_ARGV };
  const parsed = parseCommandArgs(argv, 'porthole-host share', SHARE_OPTIONS);
  if (!parsed.ok) return parsed;
  const { values, positionals, optionAt } = parsed.args;
  if (values.password === true && optionAt.password !== undefined) {
    const after = argv[optionAt.password];
    if (after !== undefined && positionals.includes(after) && !after.startsWith('-')) return { ok: false, message: PASSWORD_IN_ARGV };
    // `share 3000 --password -- secret`: a second word beside --password is most likely the password; never echo it.
    if (positionals.length > 1) return { ok: false, message: PASSWORD_IN_ARGV };
  }
  if (values.password === true && values['password-stdin'] === true) {
    return { ok: false, message: '--password asks at the terminal and --password-stdin reads standard input: give one of them.' };
  }
  const [target, ...extra] = positionals;
  if (target === undefined)
    return { ok: false, message: 'porthole-host share needs the port or address of your local server, e.g. porthole-host share 3000.' };
  if (extra.length > 0)
    return {
      ok: false,
      message: `porthole-host share takes one port or address, not ${positionals.length} (${positionals.join(' ')}). Share each server with its own command.`,
    };

  const settings: Omit<ShareSettings, 'password'> = {};
  if (values.minutes !== undefined) {
    const minutes = parseMinutes(String(values.minutes));
    if (minutes === null) return { ok: false, message: `${MINUTES_RULE}; got "${String(values.minutes)}".` };
    settings.expiresInMinutes = minutes;
  }
  if (values['keep-host'] === true) settings.keepPublicHost = true;
  if (values.name !== undefined && values.stable !== true)
    return { ok: false, message: '--name names a stable address: give --stable too (porthole-host share 3000 --stable --name myapp).' };
  let stable: { address?: AddressChoice } = {};
  if (values.stable === true) {
    const name = values.name === undefined ? undefined : normaliseLabel(String(values.name));
    if (name === null)
      return {
        ok: false,
        message: `--name ${JSON.stringify(String(values.name))} cannot be a stable name: use letters a–z, digits and hyphens (1 to 63 characters), not starting or ending with a hyphen.`,
      };
    stable = { address: name === undefined ? { kind: 'stable' } : { kind: 'stable', name } };
  }
  const password: PasswordSource = values.password === true ? 'prompt' : values['password-stdin'] === true ? 'stdin' : 'none';
  const folderFlags = FOLDER_FLAGS.filter((flag) => values[flag] === true);
  if (looksLikePath(target)) {
    const folder: FolderOptions = {};
    for (const flag of folderFlags) folder[flag] = true;
    return { ok: true, path: target, folder, settings, password, ...stable };
  }
  const origin = originFromTarget(target);
  if (!origin.ok) return origin;
  if (folderFlags.length > 0) {
    return {
      ok: false,
      message: `--${folderFlags[0]} is for sharing a file or folder (porthole-host share ./dist --${folderFlags[0]}); ${target} is a local server's address.`,
    };
  }
  return { ok: true, origin: origin.origin, settings, password, ...stable };
}
