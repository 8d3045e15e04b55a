/**
 * `npm start`: Porthole working in two commands on a fresh clone. Builds everything, registers the
 * development host for the development extension id in a throwaway browser profile, serves a demo
 * page on localhost, and opens Chromium on it with the extension loaded. Closing the browser (or
 * Ctrl-C) removes the profile and stops the demo server; the host stops its own tunnels.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_EXTENSION_ID } from '../native-host/src/protocol/extension-ids.js';
import { isExecutableFile, locateCloudflared } from '../native-host/src/cloudflared/locate.js';
import { writeManifestFile } from '../native-host/src/install/registration.js';

const root = resolve(fileURLToPath(import.meta.url), '..', '..');
const hostPath = join(root, 'dist', 'host', 'porthole-host');
const extensionDir = join(root, '.output', 'chrome-mv3');

/** Chromium-family browsers that still honour --load-extension (branded Google Chrome dropped it in 137). */
const BROWSER_CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome-for-testing', 'brave-browser', 'microsoft-edge'];
const MAC_BROWSERS = ['/Applications/Chromium.app/Contents/MacOS/Chromium', '/Applications/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing'];

function findBrowser(): string | null {
  const chosen = process.env.PORTHOLE_BROWSER;
  if (chosen) return chosen;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of BROWSER_CANDIDATES) if (dir && isExecutableFile(join(dir, name))) return join(dir, name);
  }
  return MAC_BROWSERS.find((path) => existsSync(path)) ?? null;
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function build(): void {
  say('… building the host and the extension (npm run build)');
  const result = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    say('✗ The build failed (see above). Fix it, then run npm start again.');
    process.exit(result.status ?? 1);
  }
}

function checkCloudflared(): void {
  try {
    const found = locateCloudflared({ env: process.env, hostDir: join(root, 'dist', 'host'), exeSuffix: process.platform === 'win32' ? '.exe' : '' });
    say(`✓ cloudflared: ${found.path}`);
  } catch (error) {
    say(`! ${(error as Error).message}`);
    say('  Sharing will show this message in the popup. To try Porthole without cloudflared or internet, use the test stand-in:');
    say('  PORTHOLE_CLOUDFLARED=dist/test/fake-cloudflared.mjs npm start   (the popup goes through every stage; the made-up address opens nothing)');
  }
}

/** Something on localhost to share straight away. */
async function startDemoPage(): Promise<{ url: string; close(): void }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html><title>Porthole demo</title><body style="font:16px system-ui;margin:3rem">
<h1>Hello from localhost</h1><p>Click Porthole's toolbar button and <b>Share this localhost tab</b>.</p>
<p>Served by <code>npm start</code> at ${new Date().toLocaleTimeString()}.</p></body>`);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { url: `http://localhost:${port}/`, close: () => server.close() };
}

async function main(): Promise<void> {
  if (process.env.PORTHOLE_SKIP_BUILD !== '1') build();
  if (!existsSync(hostPath) || !existsSync(join(extensionDir, 'manifest.json'))) {
    say(`✗ The build did not produce ${hostPath} and ${extensionDir}. Run npm run build and read its errors.`);
    process.exit(1);
  }
  const browser = findBrowser();
  if (browser === null) {
    say('✗ No Chromium-family browser that can load an unpacked extension was found.');
    say('  Install Chromium (Debian/Ubuntu: sudo apt-get install chromium; macOS: brew install --cask chromium),');
    say('  or name one: PORTHOLE_BROWSER=/path/to/browser npm start');
    process.exit(1);
  }
  const headless = process.env.PORTHOLE_HEADLESS === '1';
  if (!headless && process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    say('✗ No display to open a browser window on (DISPLAY is not set). Run it under one: xvfb-run npm start, or PORTHOLE_HEADLESS=1 npm start.');
    process.exit(1);
  }
  checkCloudflared();

  const profile = mkdtempSync(join(tmpdir(), 'porthole-profile-'));
  // With --user-data-dir, Chromium reads user-level host manifests only from <profile>/NativeMessagingHosts.
  const manifest = writeManifestFile({ family: 'chromium', manifestDir: join(profile, 'NativeMessagingHosts') }, hostPath);
  say(`✓ registered the development host for extension ${CHROMIUM_EXTENSION_ID}: ${manifest}`);
  const demo = await startDemoPage();
  say(`✓ demo page: ${demo.url}`);

  const args = [
    `--user-data-dir=${profile}`,
    `--disable-extensions-except=${extensionDir}`,
    `--load-extension=${extensionDir}`,
    '--no-first-run',
    '--no-default-browser-check',
    ...(headless ? ['--headless=new', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync'] : []),
    demo.url,
  ];
  say(`… opening ${browser} with Porthole loaded. Close the browser (or press Ctrl-C) to finish.`);
  // Chromium's own stderr is a flood of dbus and GPU warnings that say nothing about Porthole.
  const child = spawn(browser, args, { stdio: 'ignore' });
  const cleanUp = (): void => {
    demo.close();
    rmSync(profile, { recursive: true, force: true });
  };
  for (const name of ['SIGINT', 'SIGTERM'] as const) process.once(name, () => child.kill('SIGTERM'));
  child.on('error', (error) => {
    say(`✗ Could not start ${browser}: ${error.message}`);
    cleanUp();
    process.exit(1);
  });
  child.on('exit', (code) => {
    cleanUp();
    say('✓ browser closed; the throwaway profile is removed.');
    process.exit(code === null ? 0 : code);
  });
}

await main();
