/**
 * Drives the built host exactly as a browser does: spawned with the caller's origin as argument,
 * spoken to in native messaging frames over stdio.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { encodeJsonFrame, FrameDecoder } from '../src/native/framing.js';
import { CHROMIUM_EXTENSION_ORIGIN } from '../src/protocol/extension-ids.js';
import { type HostToExtension, isShareEvent, type Reply, type ShareEvent } from '../src/protocol/index.js';
import type { EdgeRouter } from './fake-cloudflared/edge-router.js';
import { readFakeStates } from './fake-cloudflared/state.js';

export const HOST_BINARY = resolve(import.meta.dirname, '../../dist/host/porthole-host');

export const CHROMIUM_CALLER = CHROMIUM_EXTENSION_ORIGIN;

export interface HostOptions {
  fakeCloudflared: string;
  mode?: string;
  args?: string[];
  env?: Record<string, string>;
  /** Reuse a state dir to play a host that starts after another. */
  stateDir?: string;
  /** Aims the host's reachability probe at this stand-in for Cloudflare's edge (see edge-router.ts); without one, the probe is off. */
  router?: EdgeRouter;
  /** Runs the host as another user (tests running as root play an ordinary user). */
  user?: { uid: number; gid: number };
}

export class HostDriver {
  readonly child: ChildProcess;
  readonly messages: HostToExtension[] = [];
  readonly stateDir: string;
  private readonly ownsStateDir: boolean;
  /** Where the fake cloudflared writes `<pid>.json` files describing itself. */
  readonly fakeDir: string;
  stderr = '';
  private readonly waiters = new Set<() => void>();
  private next = 0;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(options: HostOptions) {
    this.ownsStateDir = options.stateDir === undefined;
    this.stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'porthole-state-'));
    this.fakeDir = join(this.stateDir, 'fake-cloudflared');
    options.router?.watch(this.fakeDir);
    this.child = spawn(HOST_BINARY, options.args ?? [CHROMIUM_CALLER], {
      stdio: ['pipe', 'pipe', 'pipe'],
      ...options.user,
      env: {
        ...process.env,
        PORTHOLE_CLOUDFLARED: options.fakeCloudflared,
        PORTHOLE_STATE_DIR: this.stateDir,
        FAKE_CLOUDFLARED_STATE_DIR: this.fakeDir,
        FAKE_CLOUDFLARED_MODE: options.mode ?? 'ok',
        // Without a stand-in edge to aim it at, the reachability check is off: it would resolve the
        // made-up public name through 1.1.1.1, past this machine.
        ...(options.router === undefined ? { PORTHOLE_PROBE: 'off' } : options.router.probeEnv),
        ...options.env,
      },
    });
    const decoder = new FrameDecoder();
    this.child.stdout?.on('data', (chunk: Buffer) => {
      for (const item of decoder.push(chunk)) {
        if (item.kind !== 'frame') throw new Error('host wrote an oversized frame');
        this.messages.push(JSON.parse(item.body.toString('utf8')) as HostToExtension);
      }
      this.waiters.forEach((wake) => wake());
    });
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    // A host that exits on purpose (a refused caller, a closed session) closes its stdin under our
    // writes; the tests judge it by its exit and its output, not by our EPIPE.
    this.child.stdin?.on('error', () => undefined);
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  send(message: unknown): void {
    this.child.stdin?.write(encodeJsonFrame(message));
  }

  writeRaw(bytes: Buffer): void {
    this.child.stdin?.write(bytes);
  }

  /** Sends a request (any type, so tests can send wrong ones) and resolves with the reply that names its id. */
  async request<T extends Reply = Reply>(message: { type: string } & Record<string, unknown>): Promise<T> {
    const id = `r${++this.next}`;
    this.send({ ...message, id });
    return (await this.waitFor((m) => 'ok' in m && m.id === id)) as T;
  }

  waitFor(predicate: (message: HostToExtension) => boolean, timeoutMs = 10_000): Promise<HostToExtension> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.messages.find(predicate);
        if (found === undefined) return false;
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(found);
        return true;
      };
      const wake = (): void => void check();
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(new Error(`timed out; host said ${JSON.stringify(this.messages)}\nstderr:\n${this.stderr}`));
      }, timeoutMs);
      this.waiters.add(wake);
      check();
    });
  }

  waitForChange(shareId: string, change: ShareEvent['change'], timeoutMs?: number): Promise<ShareEvent> {
    return this.waitFor((m) => isShareEvent(m) && m.share.id === shareId && m.change === change, timeoutMs) as Promise<ShareEvent>;
  }

  /** What the browser does when it closes the port or quits. */
  closeStdin(): void {
    this.child.stdin?.end();
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.child.kill(signal);
  }

  /**
   * After a test: the host and every fake cloudflared it started are killed outright, and the state
   * folder this driver made is removed. Tests that reuse a folder for a second host dispose both
   * hosts after the test, so the folder outlives the first.
   */
  async dispose(): Promise<void> {
    this.kill('SIGKILL');
    for (const state of await readFakeStates(this.fakeDir)) {
      try {
        process.kill(state.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await this.exited;
    if (this.ownsStateDir) rmSync(this.stateDir, { recursive: true, force: true });
  }
}

/** A real local web server standing in for the developer's dev server. */
export async function startOrigin(
  body = '<h1>hello from localhost</h1>',
  host = '127.0.0.1',
): Promise<{ server: Server; port: number; seen: { host: string | undefined; url: string | undefined }[] }> {
  const seen: { host: string | undefined; url: string | undefined }[] = [];
  const server = createServer((request, response) => {
    seen.push({ host: request.headers.host, url: request.url });
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port, seen };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return Date.now() - started;
}
