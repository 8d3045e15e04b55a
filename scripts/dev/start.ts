/**
 * `npm start` (Chromium) and `npm run start:firefox`: Porthole working in two commands on a fresh
 * clone. In order, so that a problem shows in seconds and not after a build:
 *   1. checks: a browser, a display (or PORTHOLE_HEADLESS=1), root (Chromium then needs --no-sandbox);
 *   2. builds what changed since the last start (the host, the extension, the cloudflared stand-in
 *      for --offline), each skipped when its inputs hash the same (--rebuild forces);
 *   3. a throwaway folder: the browser profile with the host registered in it, the host's state;
 *   4. a demo page on localhost, and the browser on it with Porthole loaded.
 * Closing the browser, Ctrl-C, SIGTERM or SIGHUP stop the browser and everything it started, and
 * remove the throwaway folder. A browser that dies is reported with the last lines it printed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { isExecutableFile, locateCloudflared } from '../../native-host/src/cloudflared/locate.js';
import { writeManifestFile } from '../../native-host/src/install/registration.js';
import { CHROMIUM_EXTENSION_ID, FIREFOX_EXTENSION_ID } from '../../native-host/src/protocol/extension-ids.js';
import { buildFakeCloudflared } from '../../native-host/test/fake-cloudflared/build.js';
import { EdgeRouter } from '../../native-host/test/fake-cloudflared/edge-router.js';
import { type BrowserExit, type BrowserProcess, startBrowser } from './browser-process.js';
import { buildNodeDir } from './build-node.js';
import { hashInputs, isUpToDate, writeStamp } from './build-stamp.js';
import { type BuildStep, FAKE_CLOUDFLARED_OUTPUT, stepsFor } from './build-steps.js';
import { chromiumArgs, chromiumHint, closeChromium, waitForChromiumExtension } from './chromium.js';
import { bidiAddress, FIREFOX_DEV_UUID, firefoxArgs, firefoxEnv, installFirefoxExtension, writeFirefoxProfile } from './firefox.js';
import { parseStartOptions, type StartOptions, StartUsageError, USAGE } from './options.js';
import { preflight } from './preflight.js';

const root = resolve(fileURLToPath(import.meta.url), '..', '..', '..');
const hostPath = join(root, 'dist', 'host', process.platform === 'win32' ? 'porthole-host.exe' : 'porthole-host');
/** How long a browser gets to load Porthole before npm start says it did not. */
const LOAD_TIMEOUT_MS = 60_000;

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Undone in reverse order on every way out. */
const cleanups: (() => void | Promise<void>)[] = [];
/** Why npm start is stopping: a signal's name, or that its parent went away. */
let stopSignal: string | null = null;
let building: ChildProcess | null = null;
let browser: BrowserProcess | null = null;

async function finish(code: number): Promise<never> {
  while (cleanups.length > 0) {
    try {
      await cleanups.pop()!();
    } catch (error) {
      say(`! while cleaning up: ${(error as Error).message}`);
    }
  }
  process.exit(code);
}

function onSignal(signal: NodeJS.Signals | 'parent-gone'): void {
  if (stopSignal !== null) return;
  stopSignal = signal === 'parent-gone' ? 'its parent going away' : signal;
  say(`… ${signal === 'parent-gone' ? 'the process that started npm start went away' : signal}: stopping.`);
  building?.kill('SIGTERM');
  if (browser !== null) {
    // The browser's exit handler reports and cleans up.
    void browser.stop();
    return;
  }
  void finish(0);
}

function fail(lines: string[], code = 1): Promise<never> {
  say(`✗ ${lines[0]}`);
  for (const line of lines.slice(1)) say(`  ${line}`);
  return finish(code);
}

function runCommand(command: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((done) => {
    const [file, ...args] = command;
    building = spawn(file!, args, { cwd: root, env, stdio: 'inherit', shell: process.platform === 'win32' });
    building.once('error', () => done(127));
    building.once('exit', (code) => {
      building = null;
      done(code ?? 1);
    });
  });
}

async function build(options: StartOptions): Promise<void> {
  const steps = stepsFor(options.family, options.offline);
  const stale: { step: BuildStep; hash: string }[] = [];
  for (const step of steps) {
    const hash = hashInputs(root, step.inputs);
    if (options.rebuild || !isUpToDate(root, step.name, hash, step.outputs)) stale.push({ step, hash });
    else say(`✓ ${step.label}: up to date (sources unchanged; --rebuild or PORTHOLE_REBUILD=1 builds anyway)`);
  }
  if (stale.length === 0) return;
  let env: NodeJS.ProcessEnv = process.env;
  if (stale.some(({ step }) => step.command !== 'fake-cloudflared')) {
    const nodeDir = await buildNodeDir(root, say);
    if (nodeDir !== null) env = { ...process.env, PATH: `${nodeDir}${delimiter}${process.env.PATH ?? ''}` };
  }
  for (const { step, hash } of stale) {
    if (stopSignal !== null) return;
    say(`… building ${step.label}`);
    const started = Date.now();
    if (step.command === 'fake-cloudflared') await buildFakeCloudflared(join(root, FAKE_CLOUDFLARED_OUTPUT));
    else {
      const code = await runCommand(step.command, env);
      if (stopSignal !== null) return;
      if (code !== 0)
        await fail(
          [
            `Building ${step.label} failed (${step.command.join(' ')} exited with ${code}; its errors are above).`,
            'Fix them, then run npm start again.',
          ],
          code,
        );
    }
    const missing = step.outputs.filter((output) => !existsSync(join(root, output)));
    if (missing.length > 0)
      await fail([`Building ${step.label} did not produce ${missing.join(', ')}.`, 'Run the build by hand and read its errors.']);
    writeStamp(root, step.name, hash, step.outputs);
    say(`✓ built ${step.label} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

/** The host's environment for a real cloudflared: an absolute PORTHOLE_CLOUDFLARED, or what locate finds. */
function cloudflaredEnv(options: StartOptions): Record<string, string> {
  const env = { ...process.env, ...(options.cloudflared !== null ? { PORTHOLE_CLOUDFLARED: options.cloudflared } : {}) };
  try {
    const found = locateCloudflared({ env, hostDir: join(root, 'dist', 'host'), exeSuffix: process.platform === 'win32' ? '.exe' : '' });
    say(`✓ cloudflared: ${found.path}`);
  } catch (error) {
    say(`! ${(error as Error).message}`);
    say(
      `  Sharing will show this in the popup. To try Porthole without cloudflared or internet: ${options.family === 'firefox' ? 'npm run start:firefox' : 'npm start'} -- --offline`,
    );
  }
  return options.cloudflared !== null ? { PORTHOLE_CLOUDFLARED: options.cloudflared } : {};
}

/**
 * --offline: the stand-in for cloudflared that the tests use (it prints real cloudflared output and
 * forwards traffic), and a stand-in for Cloudflare's edge that the host's reachability check is
 * aimed at, so a share goes live without a packet leaving this computer.
 */
async function offlineEnv(work: string): Promise<Record<string, string>> {
  const router = await EdgeRouter.start();
  cleanups.push(() => router.close());
  const fakeDir = join(work, 'fake-cloudflared');
  router.watch(fakeDir);
  say('✓ offline: shares go through the cloudflared stand-in (its public address is made up: it opens nothing outside this computer).');
  return {
    PORTHOLE_CLOUDFLARED: join(root, FAKE_CLOUDFLARED_OUTPUT),
    FAKE_CLOUDFLARED_STATE_DIR: fakeDir,
    FAKE_CLOUDFLARED_MODE: 'ok',
    ...router.probeEnv,
  };
}

/** Something on localhost to share straight away. */
async function startDemoPage(): Promise<string> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html><title>Porthole demo</title><body style="font:16px system-ui;margin:3rem">
<h1>Hello from localhost</h1><p>Click Porthole's toolbar button and <b>Share this localhost tab</b>.</p>
<p>Served by <code>npm start</code> at ${new Date().toLocaleTimeString()}.</p></body>`);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  cleanups.push(() => {
    server.closeAllConnections();
    server.close();
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return `http://localhost:${port}/`;
}

/** Starts the browser and resolves when Porthole is loaded in it, or with the exit if it died first. */
async function launch(
  options: StartOptions,
  browserPath: string,
  extraArgs: string[],
  work: string,
  hostEnv: Record<string, string>,
  url: string,
): Promise<BrowserExit | null> {
  const env = { ...process.env, ...hostEnv, PORTHOLE_STATE_DIR: join(work, 'host-state') };
  let loaded: Promise<unknown>;
  if (options.family === 'chromium') {
    const profile = join(work, 'profile');
    // With --user-data-dir, Chromium reads user-level host manifests only from <profile>/NativeMessagingHosts.
    const manifest = writeManifestFile({ family: 'chromium', manifestDir: join(profile, 'NativeMessagingHosts') }, hostPath);
    say(`✓ registered the host for extension ${CHROMIUM_EXTENSION_ID} in the throwaway profile ${profile} (${manifest})`);
    const args = chromiumArgs({
      profile,
      extensionDir: join(root, '.output', 'chrome-mv3'),
      headless: options.headless,
      extra: [...extraArgs, ...options.browserArgs],
      url,
    });
    say('… opening Chromium with Porthole loaded.');
    browser = startBrowser(browserPath, args, env, ['pipe', 'pipe']);
    const toBrowser = browser.child.stdio[3] as Writable;
    browser.closeWith(() => closeChromium(toBrowser));
    loaded = waitForChromiumExtension(toBrowser, browser.child.stdio[4] as Readable);
  } else {
    const home = join(work, 'home');
    const profile = join(home, 'profile');
    writeFirefoxProfile(profile);
    const manifest = writeManifestFile({ family: 'firefox', manifestDir: join(home, '.mozilla', 'native-messaging-hosts') }, hostPath);
    say(`✓ registered the host for add-on ${FIREFOX_EXTENSION_ID} in the throwaway HOME ${home} (${manifest})`);
    say('… opening Firefox with Porthole loaded.');
    browser = startBrowser(
      browserPath,
      firefoxArgs({ profile, headless: options.headless, extra: [...extraArgs, ...options.browserArgs], url }),
      firefoxEnv(env, home),
    );
    const started = browser;
    loaded = new Promise<void>((done, reject) => {
      let stderr = '';
      let found = false;
      started.onStderr((text) => {
        if (found) return;
        stderr = (stderr + text).slice(-20_000);
        const address = bidiAddress(stderr);
        if (address === null) return;
        found = true;
        installFirefoxExtension(address, join(root, '.output', 'firefox-mv2')).then((bidi) => {
          cleanups.push(() => bidi.close());
          started.closeWith(() => void bidi.send('browser.close', {}, 5_000).catch(() => undefined));
          done();
        }, reject);
      });
    });
  }
  const current = browser;
  const timeout = new Promise<'timeout'>((done) => setTimeout(() => done('timeout'), LOAD_TIMEOUT_MS).unref());
  const outcome = await Promise.race([
    loaded.then(
      () => 'loaded' as const,
      (error: Error) => error,
    ),
    current.exited,
    timeout,
  ]);
  if (outcome === 'loaded') {
    const popup = options.family === 'firefox' ? ` (popup: moz-extension://${FIREFOX_DEV_UUID}/popup.html)` : '';
    say(
      `✓ Porthole is loaded${popup}, ${(performance.now() / 1000).toFixed(1)} s after npm start began. Close the browser, or press Ctrl-C, to finish.`,
    );
    return null;
  }
  if (outcome === 'timeout') {
    say(`! Porthole did not load within ${LOAD_TIMEOUT_MS / 1000} s; the browser stays open. Its last lines:`);
    for (const line of current.tail.text()) say(`  │ ${line}`);
    loaded.then(
      () => say(`✓ Porthole is loaded after all, ${(performance.now() / 1000).toFixed(1)} s after npm start began.`),
      (error: Error) => say(`✗ Porthole could not be loaded: ${error.message}`),
    );
    return null;
  }
  if (outcome instanceof Error) {
    say(
      `✗ ${options.family === 'chromium' ? 'Chromium' : 'Firefox'} started but did not load Porthole (${outcome.message}). Its last lines:`,
    );
    for (const line of current.tail.text()) say(`  │ ${line}`);
    await current.stop();
    return finish(1);
  }
  return outcome;
}

function reportExit(exit: BrowserExit, name: string, loaded: boolean): number {
  if (stopSignal !== null) {
    say(`✓ stopped on ${stopSignal}: the browser is closed and the throwaway profile removed.`);
    return 0;
  }
  const failed = !loaded || exit.code !== 0;
  if (!failed) {
    say('✓ browser closed; the throwaway profile is removed.');
    return 0;
  }
  const how = exit.signal !== null ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
  say(`✗ ${name} exited after ${exit.after.toFixed(1)} s (${how})${loaded ? '' : ', before Porthole was loaded'}. Its last lines:`);
  const lines = browser?.tail.text() ?? [];
  for (const line of lines.length > 0 ? lines : ['(nothing)']) say(`  │ ${line}`);
  const hint = name === 'Chromium' ? chromiumHint(lines) : null;
  if (hint !== null) say(`  ${hint}`);
  return exit.code !== null && exit.code !== 0 ? exit.code : 1;
}

/**
 * npm runs a script through `sh -c`, and on SIGTERM signals only that shell, which dies without
 * passing it on: so package.json `exec`s this script in the shell's place. Should whatever started
 * npm start vanish all the same (npm killed outright), this process is re-parented: it stops then
 * too, as if hung up on, rather than leave a browser and its profile behind.
 */
function watchParent(): void {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) onSignal('parent-gone');
  }, 500).unref();
}

async function main(): Promise<void> {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  watchParent();
  let options: StartOptions;
  try {
    // npm runs scripts in the package folder; INIT_CWD is where the command was typed.
    options = parseStartOptions(process.argv.slice(2), process.env, process.env.INIT_CWD ?? process.cwd());
  } catch (error) {
    if (error instanceof StartUsageError) await fail([error.message], 2);
    throw error;
  }
  if (options.help) {
    say(USAGE);
    return;
  }
  const checked = preflight(options, {
    platform: process.platform,
    uid: process.getuid?.() ?? null,
    env: process.env,
    isExecutable: isExecutableFile,
    exists: existsSync,
  });
  if (checked.problems.length > 0) {
    const lines = checked.problems.flatMap((problem) => problem.lines);
    await fail([...lines, 'Nothing was built.']);
  }
  const browserPath = checked.browser!;
  const name = options.family === 'chromium' ? 'Chromium' : 'Firefox';
  say(`✓ browser: ${browserPath}${options.headless ? ' (headless)' : ''}`);
  for (const note of checked.notes) say(`! ${note}`);

  await build(options);
  if (stopSignal !== null) return finish(0);

  const work = mkdtempSync(join(tmpdir(), 'porthole-dev-'));
  cleanups.push(() => rmSync(work, { recursive: true, force: true }));
  const hostEnv = options.offline ? await offlineEnv(work) : cloudflaredEnv(options);
  const url = await startDemoPage();
  say(`✓ demo page: ${url}`);
  const early = await launch(options, browserPath, checked.browserArgs, work, hostEnv, url);
  const current = browser!;
  const exit = early ?? (await current.exited);
  // The browser's own exit, or a signal that stopped it: either way, nothing of it may remain.
  await current.stop();
  await finish(reportExit(exit, name, early === null));
}

await main();
