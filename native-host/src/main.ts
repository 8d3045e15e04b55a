/**
 * Entry point of `porthole-host`: a native messaging host when a browser starts it, a CLI otherwise.
 */
import { runCli } from './cli.js';
import { createAccountManager, createShareManager, type HostContext, hello } from './host.js';
import { resolveHostPaths } from './host-paths.js';
import { detectLaunch, isPortholeCaller, type Launch } from './launch-mode.js';
import { createLogger } from './log.js';
import { runSession } from './native/session.js';
import { currentPlatform } from './platform/index.js';
import { reapOrphans } from './share/running-record.js';
import { prepareStateDir, STATE_DIR_UNUSED } from './state-dir.js';
import { HOST_VERSION } from './version.js';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

async function runBrowserMode(context: HostContext, launch: Extract<Launch, { mode: 'browser' }>): Promise<void> {
  const { log, paths, platform } = context;
  const caller = launch.caller;
  if (!isPortholeCaller(launch)) {
    log.error(
      `refused to serve ${caller}: only Porthole's own extension may use this host. If this is a development build with another id, register it with porthole-host install.`,
    );
    process.exit(1);
  }
  // stdout carries protocol frames only; a stray console.log from anywhere would break the stream.
  console.log = console.info = console.debug = (...parts: unknown[]) => log.info(parts.map(String).join(' '));
  log.info(`porthole-host ${HOST_VERSION} started by ${caller}`);

  if (context.state.runningDirUsable) {
    // reapOrphans never throws; the catch is for what nobody foresaw, which must not cost the browser its hello.
    try {
      const reaped = await reapOrphans(paths.runningDir, platform);
      for (const problem of reaped.problems) log.warn(`running record ${problem}`);
      if (reaped.stopped.length > 0)
        log.warn(
          `stopped ${reaped.stopped.length} cloudflared left behind by an earlier host: pids ${reaped.stopped.map((c) => c.pid).join(', ')}`,
        );
    } catch (error) {
      log.error(`cleaning up after earlier hosts failed: ${String(error)}`);
    }
  }

  const account = createAccountManager(context);
  const manager = createShareManager(context, account);
  // Chromium sends SIGTERM when it drops the port after closing our stdin; either way, stop everything.
  for (const name of STOP_SIGNALS) {
    process.on(name, () => {
      log.info(`received ${name}; stopping every share`);
      void manager
        .stopAll()
        .then(() => account.shutdown())
        .finally(() => process.exit(0));
    });
  }
  process.on('uncaughtException', (error) => {
    log.error(`uncaught: ${error.stack ?? String(error)}`);
    manager.killAllNow();
    account.killNow();
    process.exit(1);
  });
  process.on('exit', () => {
    manager.killAllNow();
    account.killNow();
  });

  await runSession({ input: process.stdin, output: process.stdout, manager, account, log, hello: () => hello(context) });
  log.info('session ended');
  process.exit(0);
}

async function main(): Promise<void> {
  const launch = detectLaunch(process.argv.slice(2));
  const paths = resolveHostPaths();
  // Only the browser mode, `share`, `login` and `logout` keep state (the log, crash records): install, uninstall, doctor
  // and --help must not create the state folder as a side effect (uninstall removes exactly what
  // install made, issue 12).
  const keepsState = launch.mode === 'browser' || ['share', 'login', 'logout'].includes(launch.args[0] ?? '');
  const state = keepsState ? prepareStateDir(paths, currentPlatform) : STATE_DIR_UNUSED;
  const log = createLogger({ file: state.stateDirUsable ? paths.logFile : null, stderr: launch.mode === 'browser' });
  for (const tightened of state.tightened) log.info(`made ${tightened} readable by this user only`);
  for (const problem of state.problems) {
    log.error(problem.message);
    // A person at a terminal does not read the log file: say it where they look.
    if (launch.mode !== 'browser')
      process.stderr.write(`! ${problem.message}
`);
  }
  const context: HostContext = { env: process.env, paths, platform: currentPlatform, log, state };
  if (launch.mode === 'browser') return runBrowserMode(context, launch);

  const interrupted = new Promise<string>((resolve) => {
    for (const name of STOP_SIGNALS) process.once(name, () => resolve(name));
  });
  process.exitCode = await runCli(launch.args, context, { stdout: process.stdout, stderr: process.stderr, interrupted });
  // Lingering timers or sockets must not keep a finished CLI alive.
  process.exit();
}

void main();
