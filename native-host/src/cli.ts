/**
 * `porthole-host` for a person at a terminal: share a port, print the public address, stop on
 * Ctrl-C. Progress goes to stderr and only the URL to stdout, so `porthole-host share 3000 | …` works.
 */
import { homedir } from 'node:os';
import { parseArgs } from 'node:util';
import { createShareManager, hello, type HostContext } from './host.js';
import { checkAllBrowsers, formatDoctorReport } from './install/doctor.js';
import { install, parseBrowserList, uninstall, writeManifestFile } from './install/registration.js';
import type { Share, ShareEvent } from './protocol/index.js';
import { HOST_VERSION } from './version.js';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Resolves when the person asks to stop (Ctrl-C, SIGTERM). */
  interrupted: Promise<string>;
}

const USAGE = `Porthole host ${HOST_VERSION}: shares a page on this computer through a Cloudflare quick tunnel.

Usage:
  porthole-host share <port | url>   share http://localhost:<port> (or the given local URL) until Ctrl-C
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
    case 'share':
      if (rest.length !== 1 || rest[0] === undefined) {
        io.stderr.write('porthole-host share needs one port or local URL, e.g. `porthole-host share 3000`.\n');
        return 2;
      }
      return share(originFromArgument(rest[0]), context, io);
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

const PROGRESS: Partial<Record<ShareEvent['change'], (share: Share) => string>> = {
  starting: (share) => `… starting cloudflared for ${share.origin}\n… asking trycloudflare.com for a public address\n`,
  url: (share) => `✓ ${share.url}\n… waiting for the first connection to Cloudflare's edge (the address may not answer before this)\n`,
  live: () => '✓ live: anyone with the address sees your page. Press Ctrl-C to stop.\n',
};

async function share(origin: string, context: HostContext, io: CliIo): Promise<number> {
  const info = await hello(context);
  if (info.cloudflared === null) {
    io.stderr.write(`✗ ${info.cloudflaredError?.message ?? 'cloudflared was not found.'}\n`);
    return 1;
  }
  io.stderr.write(`Porthole ${HOST_VERSION}, cloudflared ${info.cloudflared.version ?? '(unknown version)'} at ${info.cloudflared.path}\n`);

  const manager = createShareManager(context);
  const ended = new Promise<Share>((resolve) => {
    manager.on('event', (event) => {
      io.stderr.write(PROGRESS[event.change]?.(event.share) ?? '');
      if (event.change === 'url' && event.share.url !== null) io.stdout.write(`${event.share.url}\n`);
      if (event.change === 'stopped' || event.change === 'failed') resolve(event.share);
    });
  });
  let started: Share;
  try {
    started = manager.share(origin).share;
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
