/**
 * `porthole-host` for a person at a terminal: share a port, print the public address, stop on
 * Ctrl-C. Progress goes to stderr and only the URL to stdout, so `porthole-host share 3000 | …` works.
 */
import { homedir } from 'node:os';
import { parseArgs } from 'node:util';
import { createShareManager, hello, type HostContext } from './host.js';
import { checkAllBrowsers, formatDoctorReport } from './install/doctor.js';
import { install, parseBrowserList, uninstall, writeManifestFile } from './install/registration.js';
import { validateRequest, type Share, type ShareEvent, type ShareSettings, type ShareTraffic } from './protocol/index.js';
import { HOST_VERSION } from './version.js';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Resolves when the person asks to stop (Ctrl-C, SIGTERM). */
  interrupted: Promise<string>;
}

const USAGE = `Porthole host ${HOST_VERSION}: shares a page on this computer through a Cloudflare quick tunnel.

Usage:
  porthole-host share <port | url> [--password <pw>] [--minutes <n>] [--keep-host]
                                     share http://localhost:<port> (or the given local URL) until Ctrl-C;
                                     --password asks visitors for it (any user name), --minutes stops the
                                     share after n minutes, --keep-host passes the public Host to your server
  porthole-host install [--browser <name>[,<name>…] | all]
                                     register this host with your browsers (default: every browser you have run)
                                     browsers: chrome, chromium, edge, brave, vivaldi, opera, firefox
  porthole-host uninstall            remove exactly what install wrote
  porthole-host doctor               show what is registered where, the cloudflared in use and the log file
  porthole-host --version            print the version
  porthole-host --help               print this help

Browsers start porthole-host themselves (native messaging host "dev.porthole.host");
you only run it by hand to share from a terminal.
`;

/** `3000`, `localhost:3000` and full URLs all name an origin. */
export function originFromArgument(argument: string): string {
  if (/^\d{1,5}$/.test(argument)) return `http://localhost:${argument}`;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(argument)) return `http://${argument}`;
  return argument;
}

export async function runCli(args: readonly string[], context: HostContext, io: CliIo): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      io.stdout.write(USAGE);
      return 0;
    case '--version':
    case '-v':
    case 'version':
      io.stdout.write(`${HOST_VERSION}\n`);
      return 0;
    case 'share': {
      const parsed = parseShareArgs(rest);
      if (!parsed.ok) {
        io.stderr.write(`${parsed.message}\n`);
        return 2;
      }
      return share(parsed.origin, parsed.settings, context, io);
    }
    case 'install':
      return guarded(io, () => installCommand(rest, context, io));
    case 'uninstall': {
      const removed = uninstall({ platform: context.platform, stateDir: context.paths.stateDir });
      if (removed.length === 0) io.stdout.write('Nothing to remove: porthole-host install has not registered anything for this user.\n');
      for (const registration of removed) io.stdout.write(`✓ ${registration.browser}: removed ${registration.registryKey ?? registration.manifestPath}\n`);
      return 0;
    }
    case 'doctor': {
      const report = formatDoctorReport({
        hello: await hello(context),
        paths: context.paths,
        browsers: checkAllBrowsers(context.platform, { env: context.env, home: homedir() }),
      });
      io.stdout.write(report.text);
      return report.healthy ? 0 : 1;
    }
    default:
      io.stderr.write(`Unknown command "${command}".\n\n${USAGE}`);
      return 2;
  }
}

/** Turns a refused command into its sentence and exit code 1, rather than a stack trace. */
function guarded(io: CliIo, run: () => number): number {
  try {
    return run();
  } catch (error) {
    io.stderr.write(`✗ ${(error as Error).message}\n`);
    return 1;
  }
}

function installCommand(args: readonly string[], context: HostContext, io: CliIo): number {
  const { values } = parseArgs({
    args: [...args],
    options: { browser: { type: 'string', default: 'all' }, 'manifest-dir': { type: 'string' } },
    strict: true,
  });
  const browsers = parseBrowserList(values.browser);
  const hostPath = context.paths.hostExecutable;
  // For throwaway browser profiles (npm start, tests): Chromium reads <user-data-dir>/NativeMessagingHosts.
  if (values['manifest-dir'] !== undefined) {
    const family = browsers !== 'all' && browsers.every((name) => name === 'firefox') ? 'firefox' : 'chromium';
    io.stdout.write(`✓ wrote ${writeManifestFile({ family, manifestDir: values['manifest-dir'] }, hostPath)}\n`);
    return 0;
  }
  const registrations = install({ platform: context.platform, where: { env: context.env, home: homedir() }, hostPath, stateDir: context.paths.stateDir, browsers });
  for (const registration of registrations) {
    io.stdout.write(`✓ ${registration.browser}: ${registration.manifestPath}${registration.registryKey ? ` (${registration.registryKey})` : ''}\n`);
  }
  io.stdout.write(`Registered ${hostPath}. Restart the browser if it was running, then click Porthole's toolbar button on a localhost page.\n`);
  return 0;
}

type ShareArgs = { ok: true; origin: string; settings: ShareSettings } | { ok: false; message: string };

const SHARE_FLAGS = { password: { type: 'string' }, minutes: { type: 'string' }, 'keep-host': { type: 'boolean' } } as const;

function parseShareFlags(args: readonly string[]) {
  return parseArgs({ args: [...args], allowPositionals: true, strict: true, options: SHARE_FLAGS });
}

export function parseShareArgs(args: readonly string[]): ShareArgs {
  let parsed: ReturnType<typeof parseShareFlags>;
  try {
    parsed = parseShareFlags(args);
  } catch (error) {
    return { ok: false, message: `${(error as Error).message}. See porthole-host --help.` };
  }
  const [target, ...extra] = parsed.positionals;
  if (target === undefined || extra.length > 0) return { ok: false, message: 'porthole-host share needs one port or local URL, e.g. `porthole-host share 3000`.' };
  const settings: ShareSettings = {};
  if (parsed.values.password !== undefined) settings.password = parsed.values.password;
  if (parsed.values.minutes !== undefined) settings.expiresInMinutes = Number(parsed.values.minutes);
  if (parsed.values['keep-host'] === true) settings.keepPublicHost = true;
  // The same rules as the extension's requests, with the same sentences.
  const checked = validateRequest({ id: 'cli', type: 'share', origin: originFromArgument(target), settings });
  if (!checked.ok) return { ok: false, message: checked.error.message };
  return { ok: true, origin: originFromArgument(target), settings };
}

const PROGRESS: Partial<Record<ShareEvent['change'], (share: Share) => string>> = {
  starting: (share) => `… starting cloudflared for ${share.origin}\n… asking trycloudflare.com for a public address\n`,
  url: (share) => `✓ ${share.url}\n… waiting until the address answers from the internet\n`,
  live: (share) =>
    share.warnings?.some((warning) => warning.code === 'unverified')
      ? `✓ live, not yet confirmed: ${share.warnings.find((warning) => warning.code === 'unverified')?.message} Press Ctrl-C to stop.\n`
      : `✓ live: anyone with the address sees your page${share.password ? ' (after giving the password)' : ''}. Press Ctrl-C to stop.\n`,
  verified: () => '✓ the address answers from the internet now\n',
  'origin-unreachable': (share) => `! nothing answers at ${share.origin} yet: start your local server (visitors see a "not running" page until then)\n`,
  'origin-reachable': (share) => `✓ ${share.origin} answers\n`,
};

/** The requests that arrived since the last traffic event, oldest first, as lines for the terminal. */
export function newRequestLines(traffic: ShareTraffic, alreadyShown: number): string[] {
  const fresh = Math.min(traffic.requests - alreadyShown, traffic.recent.length);
  return traffic.recent.slice(0, Math.max(0, fresh)).reverse().map((r) => `  ${r.status || '—'} ${r.method} ${r.path} (${r.ms} ms)\n`);
}

async function share(origin: string, settings: ShareSettings, context: HostContext, io: CliIo): Promise<number> {
  const info = await hello(context);
  if (info.cloudflared === null) {
    io.stderr.write(`✗ ${info.cloudflaredError?.message ?? 'cloudflared was not found.'}\n`);
    return 1;
  }
  io.stderr.write(`Porthole ${HOST_VERSION}, cloudflared ${info.cloudflared.version ?? '(unknown version)'} at ${info.cloudflared.path}\n`);

  const manager = createShareManager(context);
  let shown = 0;
  const ended = new Promise<Share>((resolve) => {
    manager.on('event', (event) => {
      io.stderr.write(PROGRESS[event.change]?.(event.share) ?? '');
      if (event.change === 'traffic') {
        for (const line of newRequestLines(event.share.traffic, shown)) io.stderr.write(line);
        shown = event.share.traffic.requests;
      }
      if (event.change === 'stopped' && event.share.stopReason === 'expired') io.stderr.write('✓ the share expired\n');
      if (event.change === 'url' && event.share.url !== null) io.stdout.write(`${event.share.url}\n`);
      if (event.change === 'stopped' || event.change === 'failed') resolve(event.share);
    });
  });
  let started: Share;
  try {
    started = manager.share(origin, settings).share;
    io.stderr.write(PROGRESS.starting?.(started) ?? '');
  } catch (error) {
    io.stderr.write(`✗ ${(error as Error).message}\n`);
    return 1;
  }
  const outcome = await Promise.race([ended, io.interrupted.then(() => null)]);
  if (outcome === null) {
    io.stderr.write('… stopping cloudflared\n');
    await manager.stop(started.id).catch(() => undefined);
    io.stderr.write('✓ stopped\n');
    return 0;
  }
  if (outcome.error !== null) {
    io.stderr.write(`✗ ${outcome.error.message}\n`);
    if (outcome.error.detail) io.stderr.write(`  cloudflared said: ${outcome.error.detail}\n`);
    io.stderr.write(`  Full log: ${context.paths.logFile}\n`);
    return 1;
  }
  return 0;
}
