/**
 * `porthole-host` for a person at a terminal: share a port, print the public address, stop on
 * Ctrl-C. Progress goes to stderr and only the URL to stdout, so `porthole-host share 3000 | …` works.
 * Arguments are checked in full (cli/share-args.ts) before cloudflared is looked for or anything
 * starts, so a typo is reported as a typo on any machine.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AccountManager } from './account/account-manager.js';
import { parseCommandArgs } from './cli/args.js';
import { EXIT } from './cli/exit-codes.js';
import { type PasswordInput, readSharePassword } from './cli/password.js';
import { PASSWORD_ENV, type PasswordSource, parseShareArgs } from './cli/share-args.js';
import { type OutputMemory, progressLines } from './cli/share-output.js';
import { USAGE } from './cli/usage.js';
import type { PortholeError } from './errors.js';
import { resolveFileTarget } from './files/file-target.js';
import { folderSharesOf } from './files/folder-shares.js';
import { createAccountManager, createShareManager, type HostContext, hello } from './host.js';
import { checkAllBrowsers, formatDoctorReport } from './install/doctor.js';
import { install, parseBrowserList, uninstall, writeManifestFile } from './install/registration.js';
import { systemManifestPaths } from './install/system-manifests.js';
import type { BrowserName } from './platform/index.js';
import type { AccountStatus, Share, ShareEvent, ShareSettings } from './protocol/index.js';
import type { ShareManager } from './share/share-manager.js';
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

const COMMANDS = 'share, login, logout, install, uninstall, doctor, --version, --help';

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
      if ('path' in parsed) {
        const target = resolveFileTarget(parsed.path);
        if (!target.ok) return usageError(io, target.message);
        const start: StartShare = async (manager, settings) => {
          io.stderr.write(
            `… serving the folder ${target.folder}${parsed.folder.spa ? ' (single-page app)' : ''}${parsed.folder.listing ? ' (with listings)' : ''}${parsed.folder.dotfiles ? ' (dotfiles included)' : ''}\n`,
          );
          return (await folderSharesOf(manager).share({ path: target.folder, options: parsed.folder, settings, address: parsed.address }))
            .share;
        };
        return share(start, target.page, parsed.settings, parsed.password, context, io);
      }
      const origin = parsed.origin;
      return share(
        async (manager, settings) => manager.share(origin, settings, undefined, parsed.address).share,
        '',
        parsed.settings,
        parsed.password,
        context,
        io,
      );
    }
    case 'install':
      return installCommand(rest, context, io);
    case 'login':
    case 'logout': {
      const parsed = parseCommandArgs(rest, `porthole-host ${command}`, {});
      if (!parsed.ok) return usageError(io, parsed.message);
      if (parsed.args.positionals.length > 0)
        return usageError(io, `porthole-host ${command} takes no arguments (got ${parsed.args.positionals.join(' ')}).`);
      const account = createAccountManager(context, { openBrowser: true });
      try {
        return command === 'login' ? await loginCommand(account, io) : await logoutCommand(account, io);
      } finally {
        await account.shutdown();
      }
    }
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

/** Starts the share once everything is checked; a folder share must first start its static server. */
type StartShare = (manager: ShareManager, settings: ShareSettings) => Promise<Share>;

async function share(
  start: StartShare,
  page: string,
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
  const account = createAccountManager(context, { openBrowser: true });
  const manager = createShareManager(context, account);
  try {
    return await runShare(manager, start, page, settings, context, io, now);
  } finally {
    await account.shutdown();
  }
}

async function runShare(
  manager: ShareManager,
  start: StartShare,
  page: string,
  settings: ShareSettings,
  context: HostContext,
  io: CliIo,
  now: () => number,
): Promise<number> {
  const memory: OutputMemory = { originAnswered: false, requestsShown: 0 };
  const ended = new Promise<Share>((resolve) => {
    manager.on('event', (event) => {
      io.stderr.write(progressLines(event, memory, now()));
      // A restarted share's new address is printed like the first: scripts read the last line.
      if ((event.change === 'url' || event.change === 'restarted') && event.share.url !== null)
        io.stdout.write(`${event.share.url}${page}\n`);
      if (event.change === 'stopped' || event.change === 'failed') resolve(event.share);
    });
  });
  let started: Share;
  try {
    started = await start(manager, settings);
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

/** `porthole-host login`: cloudflared's login, the page opened in the person's browser, until they pick a domain. */
async function loginCommand(account: AccountManager, io: CliIo): Promise<number> {
  const before = account.status();
  if (before.state === 'connected') {
    io.stdout.write(
      before.mode === 'token'
        ? `Already connected with a tunnel token for ${before.tokenHostname}. Run porthole-host logout first to log in instead.\n`
        : `Already connected: stable addresses go under ${before.zone ?? 'your Cloudflare domain'}.\n`,
    );
    return EXIT.ok;
  }
  const finished = new Promise<AccountStatus>((resolve) => account.once('event', (event) => resolve(event.account)));
  let started: AccountStatus;
  try {
    started = await account.connect();
  } catch (error) {
    io.stderr.write(`✗ ${(error as Error).message}\n`);
    if ((error as PortholeError).hostError?.detail) io.stderr.write(`  cloudflared said: ${(error as PortholeError).hostError.detail}\n`);
    return (error as PortholeError).hostError?.code === 'cloudflared-missing' ? EXIT.cloudflaredMissing : EXIT.failed;
  }
  io.stderr.write('Log in to Cloudflare and pick the domain Porthole may use for stable addresses, on this page:\n');
  io.stdout.write(`${started.loginUrl ?? ''}\n`);
  io.stderr.write('… waiting for you to finish in the browser (Ctrl-C to give up)\n');
  const outcome = await Promise.race([finished, io.interrupted.then(() => null)]);
  if (outcome === null) {
    io.stderr.write('✗ Interrupted; no account was connected.\n');
    return EXIT.interrupted;
  }
  if (outcome.state !== 'connected') {
    io.stderr.write(`✗ ${outcome.error?.message ?? 'The login did not finish.'}\n`);
    if (outcome.error?.detail) io.stderr.write(`  cloudflared said: ${outcome.error.detail}\n`);
    return EXIT.failed;
  }
  io.stderr.write(
    `✓ Connected. porthole-host share 3000 --stable now shares on <name>.${outcome.zone ?? 'your domain'}; porthole-host logout removes what Porthole creates.\n`,
  );
  return EXIT.ok;
}

/** `porthole-host logout`: removes Porthole's DNS records and tunnel from the account, then the certificate. */
async function logoutCommand(account: AccountManager, io: CliIo): Promise<number> {
  const before = account.status();
  if (before.state !== 'connected') {
    io.stdout.write('No Cloudflare account is connected: nothing to remove.\n');
    return EXIT.ok;
  }
  try {
    const { account: after } = await account.disconnect(async () => []);
    for (const hostname of before.hostnames) io.stdout.write(`✓ removed the DNS record ${hostname}\n`);
    if (before.tunnel !== null) io.stdout.write(`✓ deleted the tunnel ${before.tunnel.name} (${before.tunnel.id})\n`);
    io.stdout.write(`✓ removed the ${before.mode === 'token' ? 'tunnel token' : 'certificate'} from Porthole's folder\n`);
    if (after.error !== null) {
      io.stderr.write(`! ${after.error.message}\n`);
      return EXIT.failed;
    }
    return EXIT.ok;
  } catch (error) {
    io.stderr.write(`✗ ${(error as Error).message}\n`);
    if ((error as PortholeError).hostError?.detail) io.stderr.write(`  cloudflared said: ${(error as PortholeError).hostError.detail}\n`);
    return EXIT.failed;
  }
}
