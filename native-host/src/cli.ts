/**
 * `porthole-host` for a person at a terminal: share a port, print the public address, stop on
 * Ctrl-C. Progress goes to stderr and only the URL to stdout, so `porthole-host share 3000 | …` works.
 */
import { createShareManager, hello, type HostContext } from './host.js';
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
    default:
      io.stderr.write(`Unknown command "${command}".\n\n${USAGE}`);
      return 2;
  }
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
