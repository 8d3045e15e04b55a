/**
 * `npm start` and `npm run start:firefox` as a newcomer runs them: the real npm script, real
 * Chromium and Firefox (headless), the built host. Each run is read from its output, as a person
 * reads it, and judged by what is left afterwards: its exit code, its throwaway folder, its processes.
 *
 * Builds: `npm test` builds first and `npm run build` stamps what it built, so these runs build
 * nothing (the cloudflared stand-in aside, 0.2 s). Run alone: `npm run build` first.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { CHROMIUM_EXTENSION_ID } from '../../../native-host/src/protocol/extension-ids';
import type {} from '../../../native-host/test/global-setup';
import { waitUntil } from '../../../native-host/test/host-driver';
import { CdpClient } from './cdp-client';
import { CdpPage } from './chromium-cdp-harness';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const isRoot = process.getuid?.() === 0;
const temps: string[] = [];
afterAll(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function temp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** The caller's environment without anything that would change what npm start does. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (
      name.startsWith('PORTHOLE_') ||
      name.startsWith('FAKE_CLOUDFLARED_') ||
      name === 'DISPLAY' ||
      name === 'WAYLAND_DISPLAY' ||
      name.startsWith('npm_')
    )
      continue;
    env[name] = value;
  }
  return { ...env, ...extra };
}

class StartRun {
  readonly child: ChildProcess;
  output = '';
  readonly exited: Promise<number | null>;

  constructor(command: string[], env: NodeJS.ProcessEnv, cwd = ROOT) {
    this.child = spawn(command[0]!, command.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const take = (chunk: Buffer) => (this.output += chunk.toString('utf8'));
    this.child.stdout!.on('data', take);
    this.child.stderr!.on('data', take);
    this.exited = new Promise((done) => this.child.once('exit', (code) => done(code)));
  }

  async waitFor(pattern: RegExp, timeoutMs = 90_000): Promise<RegExpMatchArray> {
    await waitUntil(() => pattern.test(this.output) || this.child.exitCode !== null, timeoutMs, `${pattern} in:\n${this.output}`);
    const match = pattern.exec(this.output);
    if (match === null) throw new Error(`npm start ended without printing ${pattern}:\n${this.output}`);
    return match;
  }

  /** The throwaway folder this run made (the profile lives inside it). */
  async workDir(): Promise<string> {
    const match = await this.waitFor(/throwaway (?:profile|HOME) (\/\S+)\/(?:profile|home) /);
    return match[1]!;
  }
}

/** Every process whose command line or environment mentions `text` (the host and cloudflared inherit the work folder in theirs). */
function processesMentioning(text: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    for (const file of ['cmdline', 'environ']) {
      try {
        if (readFileSync(`/proc/${pid}/${file}`, 'latin1').includes(text))
          found.push(`${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' ').slice(0, 200)}`);
      } catch {
        // Gone meanwhile, or not ours to read.
      }
    }
  }
  return [...new Set(found)];
}

async function expectAllGone(work: string): Promise<void> {
  await waitUntil(
    () => !existsSync(work) && processesMentioning(work).length === 0,
    15_000,
    `the throwaway folder ${work} removed and nothing of its browser left: ${processesMentioning(work).join('\n')}`,
  );
}

/** A "browser" that fails at once, as Chromium does as root without --no-sandbox. */
function crashingBrowser(): string {
  const file = join(temp('porthole-crashing-browser-'), 'chromium');
  writeFileSync(file, '#!/bin/sh\necho "[0101/000000.1:FATAL:stand-in] cannot start: this stand-in always fails" >&2\nexit 3\n');
  chmodSync(file, 0o755);
  return file;
}

describe('npm start', () => {
  it('without a display, says to use xvfb-run or PORTHOLE_HEADLESS=1, at once and before building anything', async () => {
    const run = new StartRun(['npm', 'start'], cleanEnv({ PORTHOLE_BROWSER: crashingBrowser(), PORTHOLE_REBUILD: '1' }));
    expect(await run.exited).toBe(1);
    expect(run.output).toContain('No display to open a browser window on');
    expect(run.output).toContain('xvfb-run npm start');
    expect(run.output).toContain('PORTHOLE_HEADLESS=1 npm start');
    expect(run.output).toContain('Nothing was built.');
    expect(run.output).not.toContain('building');
  });

  it('reports a browser that dies at start with its own last lines and a non-zero exit, and removes its profile; a relative PORTHOLE_CLOUDFLARED is taken from where npm start was typed', async () => {
    // Typed in a subfolder, as `cd extension && PORTHOLE_CLOUDFLARED=../dist/test/fake-cloudflared.mjs npm start`.
    const fake = inject('fakeCloudflared');
    const run = new StartRun(
      ['npm', 'start'],
      cleanEnv({
        PORTHOLE_BROWSER: crashingBrowser(),
        PORTHOLE_HEADLESS: '1',
        PORTHOLE_CLOUDFLARED: relative(join(ROOT, 'extension'), fake),
      }),
      join(ROOT, 'extension'),
    );
    const work = await run.workDir();
    const code = await run.exited;
    expect(code).toBe(3);
    expect(run.output).toMatch(/✗ Chromium exited after [\d.]+ s \(exit code 3\), before Porthole was loaded/);
    expect(run.output).toContain('│ [0101/000000.1:FATAL:stand-in] cannot start: this stand-in always fails');
    expect(run.output).not.toContain('browser closed');
    expect(run.output).toContain(`✓ cloudflared: ${fake}\n`);
    await expectAllGone(work);
  });

  it(`offline, as the test's own user (${isRoot ? 'root: Chromium without its sandbox, said so' : 'not root'}): nothing rebuilt, Porthole loads, a share from the popup goes live through the stand-in, SIGTERM stops the browser and the host and removes the profile`, async () => {
    const run = new StartRun(
      ['npm', 'start', '--', '--offline'],
      cleanEnv({ PORTHOLE_HEADLESS: '1', PORTHOLE_BROWSER_ARGS: '--remote-debugging-port=0' }),
    );
    try {
      const work = await run.workDir();
      await run.waitFor(/✓ Porthole is loaded/);
      expect(run.output.includes('running as root: Chromium cannot sandbox itself as root, so it starts with --no-sandbox')).toBe(isRoot);
      // The run before this one built whatever had changed: nothing is built again.
      expect(run.output).toContain('✓ the host (single executable): up to date');
      expect(run.output).toContain('✓ the extension for Chromium: up to date');
      expect(run.output).not.toContain('… building the host');
      const demo = (await run.waitFor(/demo page: (http:\/\/localhost:\d+\/)/))[1]!;

      // Drive the popup as a person would, over the DevTools port the test asked for.
      const portFile = join(work, 'profile', 'DevToolsActivePort');
      await waitUntil(() => existsSync(portFile) && readFileSync(portFile, 'utf8').includes('\n'), 20_000, 'DevToolsActivePort');
      const [port, path] = readFileSync(portFile, 'utf8').trim().split('\n');
      const cdp = await CdpClient.connect(`ws://127.0.0.1:${port}${path}`);
      try {
        const { targetId } = await cdp.send<{ targetId: string }>('Target.createTarget', { url: 'about:blank' });
        const { sessionId } = await cdp.send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true });
        await cdp.send('Page.enable', {}, sessionId);
        const popup = new CdpPage(cdp, targetId, sessionId);
        const popupUrl = `chrome-extension://${CHROMIUM_EXTENSION_ID}/popup.html`;
        await popup.navigate(popupUrl);
        const tabId = await popup.call(async (url) => {
          const api = (globalThis as unknown as { chrome: { tabs: { query(q: object): Promise<{ id?: number; url?: string }[]> } } })
            .chrome;
          return (await api.tabs.query({})).find((tab) => tab.url === url)?.id ?? null;
        }, demo);
        expect(tabId).not.toBeNull();
        await popup.navigate(`${popupUrl}?tab=${tabId}`);
        await popup.clickButton('Share this localhost tab');
        await popup.waitFor(() => /\bLive(:|, and copied)/.test(document.body.innerText), null, 'the share live', 30_000);
        expect(await popup.text()).toMatch(/https:\/\/[a-z0-9-]+\.trycloudflare\.com/);
      } finally {
        cdp.close();
      }
      // The host and the stand-in run now, with the work folder in their environment.
      expect(processesMentioning(work).length).toBeGreaterThan(0);

      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      expect(run.output).toContain('✓ stopped on SIGTERM');
      await expectAllGone(work);
    } finally {
      run.child.kill('SIGKILL');
    }
  }, 120_000);

  it('as a normal user (nobody): Chromium keeps its sandbox, Porthole loads; npm killed outright, npm start still stops the browser and removes the profile', async () => {
    const home = temp('porthole-nobody-home-');
    const opened: { path: string; mode: number }[] = [];
    let command = ['npm', 'start'];
    if (isRoot) {
      // setpriv switches user and execs npm, so the pid signalled below is npm's.
      const nobody = Number(spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).stdout.trim());
      const nogroup = Number(spawnSync('id', ['-g', 'nobody'], { encoding: 'utf8' }).stdout.trim());
      chownSync(home, nobody, nogroup);
      command = ['setpriv', '--reuid=nobody', `--regid=${nogroup}`, '--clear-groups', '--', ...command];
      const readable = () => spawnSync(command[0]!, [...command.slice(1, 5), 'test', '-r', join(ROOT, 'package.json')]).status === 0;
      // A checkout under a private home (/root is 0700) is out of nobody's reach: let it pass through
      // (search only, not list) the folders above the checkout for this test, as a user's own home would.
      if (!readable()) opened.push(...openAncestorsForSearch(ROOT));
      if (!readable()) {
        for (const { path, mode } of opened.splice(0)) chmodSync(path, mode);
        throw new Error(`nobody cannot read this checkout (${ROOT}): npm start as a normal user needs a checkout others can read.`);
      }
    }
    const run = new StartRun(
      command,
      cleanEnv({ PORTHOLE_HEADLESS: '1', HOME: home, npm_config_cache: join(home, '.npm'), USER: 'nobody' }),
    );
    try {
      const work = await run.workDir();
      await run.waitFor(/✓ Porthole is loaded/);
      expect(run.output).not.toContain('running as root');
      expect(run.output).not.toContain('--no-sandbox');
      // SIGKILL leaves npm no chance to pass anything on: npm start notices it was re-parented.
      run.child.kill('SIGKILL');
      await expectAllGone(work);
      expect(run.output).toContain('✓ stopped on its parent going away');
    } finally {
      run.child.kill('SIGKILL');
      for (const { path, mode } of opened.splice(0)) chmodSync(path, mode);
    }
  }, 120_000);
});

/** Folders above `dir` that others cannot search get o+x; returns their old modes to restore. */
function openAncestorsForSearch(dir: string): { path: string; mode: number }[] {
  const changed: { path: string; mode: number }[] = [];
  for (let path = dirname(dir); ; path = dirname(path)) {
    const mode = statSync(path).mode & 0o7777;
    if ((mode & 0o001) === 0) {
      chmodSync(path, mode | 0o001);
      changed.push({ path, mode });
    }
    if (dirname(path) === path) return changed;
  }
}

describe('npm run start:firefox', () => {
  it('runs Firefox ESR with Porthole installed and the host registered in a throwaway HOME; SIGINT removes it all', async () => {
    const run = new StartRun(['npm', 'run', 'start:firefox', '--', '--offline'], cleanEnv({ PORTHOLE_HEADLESS: '1' }));
    try {
      const work = await run.workDir();
      expect(readFileSync(join(work, 'home', '.mozilla', 'native-messaging-hosts', 'dev.porthole.host.json'), 'utf8')).toContain(
        'porthole@porthole.dev',
      );
      await run.waitFor(/✓ Porthole is loaded \(popup: moz-extension:\/\/[0-9a-f-]+\/popup\.html\)/);
      run.child.kill('SIGINT');
      expect(await run.exited).toBe(0);
      expect(run.output).toContain('✓ stopped on SIGINT');
      await expectAllGone(work);
    } finally {
      run.child.kill('SIGKILL');
    }
  }, 120_000);
});
