/**
 * Runs the built extension in Debian's Chromium with playwright-core, as a person's browser would:
 * a fresh profile, the extension loaded unpacked, the host registered in the profile's
 * NativeMessagingHosts/ (Chromium reads user-level host manifests only from there once
 * --user-data-dir is set), and an environment the host and the fake cloudflared inherit.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Worker } from 'playwright-core';
import { CHROMIUM_EXTENSION_ID, CHROMIUM_EXTENSION_ORIGIN } from '../../../native-host/src/protocol/extension-ids';
import { QUIET_CHROMIUM_ARGS } from '../../../scripts/dev/quiet-browsers';
import { HOST_NAME } from '../../lib/protocol';

export { popupScriptSize } from '../../scripts/popup-size';

/** The few extension APIs the test calls inside the service worker (page.evaluate code runs there). */
export interface WorkerChrome {
  tabs: { query(query: object): Promise<Array<{ id?: number; url?: string }>> };
  action: { getBadgeText(details: object): Promise<string> };
}

export const ROOT = resolve(import.meta.dirname, '..', '..', '..');
export const EXTENSION_DIR = join(ROOT, '.output', 'chrome-mv3');
/** PORTHOLE_E2E_HOST: another build of the host (say, one made from a clean checkout). */
export const HOST_BINARY = process.env.PORTHOLE_E2E_HOST ?? join(ROOT, 'dist', 'host', 'porthole-host');
export const CHROMIUM = process.env.PORTHOLE_E2E_CHROMIUM ?? '/usr/bin/chromium';
export const POPUP_URL = `chrome-extension://${CHROMIUM_EXTENSION_ID}/popup.html`;

export function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of readdirSync(path)) {
    if (name === '__tests__' || name === 'test' || name === '.keys' || name === 'scripts') continue;
    newest = Math.max(newest, newestMtime(join(path, name)));
  }
  return newest;
}

export function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed with ${result.status}`);
}

/** When the extension's sources last changed (the protocol it imports included). */
export function newestSourceMtime(): number {
  return Math.max(
    newestMtime(join(ROOT, 'extension')),
    newestMtime(join(ROOT, 'wxt.config.ts')),
    newestMtime(join(ROOT, 'native-host', 'src', 'protocol')),
  );
}

/** Builds the Chromium extension when its output is missing or older than its sources (`npm test` builds first anyway). */
export function ensureBuilt(): void {
  const manifest = join(EXTENSION_DIR, 'manifest.json');
  if (!existsSync(manifest) || statSync(manifest).mtimeMs < newestSourceMtime()) run('npx', ['wxt', 'build']);
  if (!existsSync(HOST_BINARY)) run('npm', ['run', '--silent', 'build:host']);
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get update && apt-get install -y chromium`);
}

/** The extension loaded unpacked, and a browser that stays off this closed network. */
export const CHROMIUM_ARGS: readonly string[] = [
  `--disable-extensions-except=${EXTENSION_DIR}`,
  `--load-extension=${EXTENSION_DIR}`,
  // Without these Chromium floods this closed network with refused connections.
  ...QUIET_CHROMIUM_ARGS,
  '--no-sandbox',
];

export function registerHost(userDataDir: string): string {
  const dir = join(userDataDir, 'NativeMessagingHosts');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${HOST_NAME}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      { name: HOST_NAME, description: 'Porthole', path: HOST_BINARY, type: 'stdio', allowed_origins: [CHROMIUM_EXTENSION_ORIGIN] },
      null,
      2,
    ),
  );
  return file;
}

export interface Session {
  context: BrowserContext;
  userDataDir: string;
  close(): Promise<void>;
  serviceWorker(): Promise<Worker>;
  /** The id Chromium gave the tab showing `url`. */
  tabIdOf(url: string): Promise<number>;
}

export async function launch(options: { registerHost: boolean; env: Record<string, string> }): Promise<Session> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'porthole-e2e-profile-'));
  if (options.registerHost) registerHost(userDataDir);
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS],
    // The host that Chromium starts, and the cloudflared it starts, inherit this.
    env: { ...(process.env as Record<string, string>), ...options.env },
  });
  const serviceWorker = async () => {
    const found = context.serviceWorkers().find((worker) => worker.url().startsWith(CHROMIUM_EXTENSION_ORIGIN));
    return (
      found ?? (await context.waitForEvent('serviceworker', { predicate: (worker) => worker.url().startsWith(CHROMIUM_EXTENSION_ORIGIN) }))
    );
  };
  return {
    context,
    userDataDir,
    serviceWorker,
    async tabIdOf(url) {
      const worker = await serviceWorker();
      const id = await worker.evaluate(async (wanted: string) => {
        const tabs = await (globalThis as unknown as { chrome: WorkerChrome }).chrome.tabs.query({});
        return tabs.find((tab) => tab.url === wanted)?.id ?? null;
      }, url);
      if (id === null) throw new Error(`no tab shows ${url}`);
      return id;
    },
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** A real local web server: the developer's dev server. */
/** A local dev server: `body` for every path, or `body(path)` to tell pages apart (path with its query). */
export async function startOrigin(
  body: string | ((path: string) => string),
): Promise<{ port: number; server: Server; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(typeof body === 'string' ? body : body(request.url ?? '/'));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the origin server has no port');
  return { port: address.port, server, close: () => new Promise((done) => server.close(() => done())) };
}

// The same process and polling helpers the host's integration tests use.
export { isAlive, waitUntil } from '../../../native-host/test/host-driver';
