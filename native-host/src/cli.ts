/**
 * `porthole-host` for a person at a terminal: share a port, print the public address, stop on
 * Ctrl-C. Progress goes to stderr and only the URL to stdout, so `porthole-host share 3000 | …` works.
 * Arguments are checked in full (cli/share-args.ts) before cloudflared is looked for or anything
 * starts, so a typo is reported as a typo on any machine.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseCommandArgs } from './cli/args.js';
import { EXIT } from './cli/exit-codes.js';
import { type PasswordInput, readSharePassword } from './cli/password.js';
import { PASSWORD_ENV, type PasswordSource, parseShareArgs } from './cli/share-args.js';
import { type OutputMemory, progressLines } from './cli/share-output.js';
import { USAGE } from './cli/usage.js';
import { createShareManager, type HostContext, hello } from './host.js';
import { checkAllBrowsers, formatDoctorReport } from './install/doctor.js';
import { install, parseBrowserList, uninstall, writeManifestFile } from './install/registration.js';
import { systemManifestPaths } from './install/system-manifests.js';
import type { BrowserName } from './platform/index.js';
import type { Share, ShareEvent, ShareSettings } from './protocol/index.js';
import { HOST_VERSION } from './version.js';

export { parseShareArgs } from './cli/share-args.js';
export { newRequestLines } from './cli/share-output.js';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Where a password is read from (--password, --password-stdin); process.stdin when absent. */
  stdin?: PasswordInput;
  /** Resolves when the person asks to stop (Ctrl-C, SIGTERM). */
  interrupted: Promise<string>;
  now?: () => number;
}

const COMMANDS = 'share, install, uninstall, doctor, --version, --help';

export async function runCli(args: readonly string[], context: HostContext, io: CliIo): Promise<number> {
  const [command, ...rest] = args;
  // Only `share` reads it (cli/password.ts, which then removes it); no other command passes it on
  // to a child such as `cloudflared --version`.
  if (command !== 'share') delete context.env[PASSWORD_ENV];
  switch (command) {
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      io.stdout.write(USAGE);
      return EXIT.ok;
    case '--version':
    case '-v':
    case 'version':
      io.stdout.write(`${HOST_VERSION}\n`);
      return EXIT.ok;
    case 'share': {
      if (rest.includes('--help') || rest.includes('-h')) {
        io.stdout.write(USAGE);
        return EXIT.ok;
      }
      const parsed = parseShareArgs(rest);
      if (!parsed.ok) return usageError(io, parsed.message);
      return share(parsed.origin, parsed.settings, parsed.password, context, io);
    }
    case 'install':
      return installCommand(rest, context, io);
    case 'uninstall': {
      const parsed = parseCommandArgs(rest, 'porthole-host uninstall', {});
      if (!parsed.ok) return usageError(io, parsed.message);
      if (parsed.args.positionals.length > 0)
        return usageError(io, `porthole-host uninstall takes no arguments (got ${parsed.args.positionals.join(' ')}).`);
      const removed = uninstall({ platform: context.platform, stateDir: context.paths.stateDir });
      if (removed.registrations.length === 0)
        io.stdout.write('Nothing to remove: porthole-host install has not registered anything for this user.\n');
      for (const registration of removed.registrations)
        io.stdout.write(`✓ ${registration.browser}: removed ${registration.registryKey ?? registration.manifestPath}\n`);
      for (const folder of removed.removedFolders) io.stdout.write(`✓ removed the folder ${folder}, which install had created\n`);
      for (const folder of removed.keptFolders) io.stdout.write(`  kept ${folder}: install created it, but other files are in it now\n`);
      return EXIT.ok;
    }
    case 'doctor': {
      const parsed = parseCommandArgs(rest, 'porthole-host doctor', {});
      if (!parsed.ok) return usageError(io, parsed.message);
      if (parsed.args.positionals.length > 0)
        return usageError(io, `porthole-host doctor takes no arguments (got ${parsed.args.positionals.join(' ')}).`);
      const report = formatDoctorReport({
        hello: await hello(context),
        paths: context.paths,
        browsers: checkAllBrowsers(
          context.platform,
          { env: context.env, home: homedir() },
          { stateDir: context.paths.stateDir, systemManifests: systemManifestsUnder(context) },
        ),
      });
      io.stdout.write(report.text);
      return report.healthy ? EXIT.ok : EXIT.failed;
    }
    default:
      return usageError(io, `Unknown command "${command}". porthole-host knows ${COMMANDS}.`);
  }
}

/**
 * PORTHOLE_SYSTEM_MANIFEST_ROOT puts a prefix before the system-wide manifest folders (like a
 * DESTDIR), so that tests judge doctor without the machine's own /etc; people never need it.
 */
function systemManifestsUnder(context: HostContext): ((browser: BrowserName) => string[]) | undefined {
  const root = context.env.PORTHOLE_SYSTEM_MANIFEST_ROOT;
  if (root === undefined || root === '') return undefined;
  return (browser) => systemManifestPaths(context.platform.name, browser).map((path) => join(root, path));
}

function usageError(io: CliIo, message: string): number {
  io.stderr.write(`✗ ${message}\n  See porthole-host --help.\n`);
  return EXIT.usage;
}

function installCommand(args: readonly string[], context: HostContext, io: CliIo): number {
  const parsed = parseCommandArgs(args, 'porthole-host install', {
    browser: { kind: 'string', valueName: 'name[,name…] | all' },
    'manifest-dir': { kind: 'string', valueName: 'folder' },
  });
  if (!parsed.ok) return usageError(io, parsed.message);
  const { values, positionals } = parsed.args;
  if (positionals.length > 0)
    return usageError(
      io,
      `porthole-host install takes no arguments (got ${positionals.join(' ')}); name browsers with --browser chrome,firefox.`,
    );
  let browsers: ReturnType<typeof parseBrowserList>;
  try {
    browsers = parseBrowserList(typeof values.browser === 'string' ? values.browser : 'all');
  } catch (error) {
    return usageError(io, (error as Error).message);
  }
  const hostPath = context.paths.hostExecutable;
  try {
    // For throwaway browser profiles (npm start, tests): Chromium reads <user-data-dir>/NativeMessagingHosts.
    if (typeof values['manifest-dir'] === 'string') {
      const family = browsers !== 'all' && browsers.every((name) => name === 'firefox') ? 'firefox' : 'chromium';
      io.stdout.write(`✓ wrote ${writeManifestFile({ family, manifestDir: values['manifest-dir'] }, hostPath)}\n`);
      return EXIT.ok;
    }
    const registrations = install({
      platform: context.platform,
      where: { env: context.env, home: homedir() },
      hostPath,
      stateDir: context.paths.stateDir,
      browsers,
    });
    for (const registration of registrations) {
      io.stdout.write(
        `✓ ${registration.browser}: ${registration.manifestPath}${registration.registryKey ? ` (${registration.registryKey})` : ''}\n`,
      );
    }
    io.stdout.write(
      `Registered ${hostPath}. Restart the browser if it was running, then click Porthole's toolbar button on a localhost page.\n`,
    );
    return EXIT.ok;
  } catch (error) {
    io.stderr.write(`✗ ${(error as Error).message}\n`);
    return EXIT.failed;
  }
}

async function share(
  origin: string,
  parsedSettings: Omit<ShareSettings, 'password'>,
  passwordSource: PasswordSource,
  context: HostContext,
  io: CliIo,
): Promise<number> {
  // A signal (kill -INT, a closed terminal) ends the wait for a password too.
  const password = await Promise.race([
    readSharePassword(passwordSource, { env: context.env, stdin: io.stdin ?? process.stdin, stderr: io.stderr }),
    io.interrupted.then(() => ({ ok: false as const, message: 'Interrupted; nothing was shared.', interrupted: true })),
  ]);
  if (!password.ok) {
    if (password.interrupted !== true) return usageError(io, password.message);
    io.stderr.write(`✗ ${password.message}\n`);
    return EXIT.interrupted;
  }
  const settings: ShareSettings = password.password === null ? parsedSettings : { ...parsedSettings, password: password.password };

  const info = await hello(context);
  if (info.cloudflared === null) {
    io.stderr.write(`✗ ${info.cloudflaredError?.message ?? 'cloudflared was not found.'}\n`);
    return EXIT.cloudflaredMissing;
  }
  io.stderr.write(`Porthole ${HOST_VERSION}, cloudflared ${info.cloudflared.version ?? '(unknown version)'} at ${info.cloudflared.path}\n`);
  if (password.source === 'env') io.stderr.write('… visitors need the password from PORTHOLE_PASSWORD\n');

  const now = io.now ?? Date.now;
  const manager = createShareManager(context);
  const memory: OutputMemory = { originAnswered: false, requestsShown: 0 };
  const ended = new Promise<Share>((resolve) => {
    manager.on('event', (event) => {
      io.stderr.write(progressLines(event, memory, now()));
      if (event.change === 'url' && event.share.url !== null) io.stdout.write(`${event.share.url}\n`);
      if (event.change === 'stopped' || event.change === 'failed') resolve(event.share);
    });
  });
  let started: Share;
  try {
    started = manager.share(origin, settings).share;
    // The manager announces `starting` with its reply, not as an event: say it here.
    io.stderr.write(progressLines({ type: 'share-event', change: 'starting', share: started } satisfies ShareEvent, memory, now()));
  } catch (error) {
    io.stderr.write(`✗ ${(error as Error).message}\n`);
    return (error as { code?: string }).code === 'cloudflared-missing' ? EXIT.cloudflaredMissing : EXIT.failed;
  }
  const outcome = await Promise.race([ended, io.interrupted.then(() => null)]);
  if (outcome === null) {
    io.stderr.write('… stopping cloudflared\n');
    await manager.stop(started.id).catch(() => undefined);
    io.stderr.write('✓ stopped\n');
    return EXIT.ok;
  }
  if (outcome.error !== null) {
    io.stderr.write(`✗ ${outcome.error.message}\n`);
    if (outcome.error.detail) io.stderr.write(`  cloudflared said: ${outcome.error.detail}\n`);
    io.stderr.write(`  Full log: ${context.paths.logFile}\n`);
    return EXIT.failed;
  }
  return EXIT.ok;
}
