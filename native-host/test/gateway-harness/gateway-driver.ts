/**
 * Starts a gateway in its own process (gateway-process.ts) and talks to it: configure its password,
 * send raw bytes to it, read what comes back. Tests see the gateway only through sockets, as
 * cloudflared does.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdir, rename } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';
import type { GatewaySettings } from '../../src/gateway/gateway.js';
import { CountingOrigin } from './raw-http.js';

const SOURCE = join(import.meta.dirname, 'gateway-process.ts');
const BUNDLE = resolve(import.meta.dirname, '..', '..', '..', 'dist', 'test', 'gateway-process.mjs');
let built: Promise<string> | null = null;

/**
 * The gateway process, bundled once per test process from the current sources (a few hundred ms;
 * starting each gateway under tsx took seconds on a loaded machine). Built beside and renamed over
 * the last one, so a half-written file is never run, even with test files building it in parallel.
 */
function bundle(): Promise<string> {
  built ??= (async () => {
    await mkdir(join(BUNDLE, '..'), { recursive: true });
    const partial = `${BUNDLE}.${process.pid}.partial`;
    await build({
      entryPoints: [SOURCE],
      outfile: partial,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      logLevel: 'warning',
    });
    await rename(partial, BUNDLE);
    return BUNDLE;
  })();
  return built;
}

/** The public name tests use: what cloudflared would send as Host. */
export const PUBLIC_HOST = 'quiet-river-test-share.trycloudflare.com';

export interface GatewayProcessOptions {
  origin: string;
  password?: string | null;
  keepPublicHost?: boolean;
  /** Lowers the descriptor limit of the gateway's process (`ulimit -n`). */
  fdLimit?: number;
  /** The share-wide budget for scripts held to rewrite (held-bytes.ts). */
  heldScriptBudget?: number;
}

export class GatewayProcess {
  private nextId = 1;
  private readonly waiting = new Map<number, (message: Record<string, unknown>) => void>();
  stderr = '';

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    readonly url: string,
  ) {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const message = JSON.parse(line) as { done?: number };
      if (message.done !== undefined) this.waiting.get(message.done)?.(message);
    });
    child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
  }

  static async start(options: GatewayProcessOptions): Promise<GatewayProcess> {
    const setup = JSON.stringify({
      origin: options.origin,
      publicUrl: `https://${PUBLIC_HOST}`,
      settings: { password: options.password ?? null, keepPublicHost: options.keepPublicHost ?? false },
      heldScriptBudget: options.heldScriptBudget,
    });
    const script = await bundle();
    const node = `exec ${JSON.stringify(process.execPath)} ${JSON.stringify(script)} "$0"`;
    const command = options.fdLimit === undefined ? node : `ulimit -n ${options.fdLimit} && ${node}`;
    const child = spawn('/bin/sh', ['-c', command, setup], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout });
      lines.once('line', (line) => {
        lines.close();
        resolve((JSON.parse(line) as { url: string }).url);
      });
      child.once('exit', (code) => reject(new Error(`the gateway process exited with ${code}: ${stderr}`)));
    });
    const gateway = new GatewayProcess(child, url);
    gateway.stderr = stderr;
    return gateway;
  }

  get port(): number {
    return Number(new URL(this.url).port);
  }

  /** Changes the share's settings, as the host's `configure` does; resolves once applied. */
  configure(settings: { password: string | null; keepPublicHost?: boolean }): Promise<void> {
    const id = this.nextId++;
    const full: GatewaySettings = { password: settings.password, keepPublicHost: settings.keepPublicHost ?? false };
    return new Promise((resolve) => {
      this.waiting.set(id, () => resolve());
      this.child.stdin.write(`${JSON.stringify({ id, configure: full })}\n`);
    });
  }

  /** Bytes of scripts the gateway holds for the dev-client rewrite: now, at most so far, and its budget. */
  heldScripts(): Promise<{ current: number; peak: number; budget: number }> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, (message) => resolve(message.heldScripts as { current: number; peak: number; budget: number }));
      this.child.stdin.write(`${JSON.stringify({ id, heldScripts: true })}\n`);
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }

  /** A raw TCP connection to the gateway. */
  connect(): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect(this.port, '127.0.0.1', () => resolve(socket));
      socket.once('error', reject);
    });
  }
}

/**
 * What a raw-socket gateway test starts, each stopped by the test's clean-up list: a counting
 * origin, a gateway in its own process, a socket to it (Nagle off when a test times its writes).
 */
export function gatewayScope(cleanups: (() => unknown)[]) {
  return {
    async origin(handler?: Parameters<typeof CountingOrigin.start>[0]): Promise<CountingOrigin> {
      const started = await CountingOrigin.start(handler);
      cleanups.push(() => started.close());
      return started;
    },
    async gateway(options: GatewayProcessOptions): Promise<GatewayProcess> {
      const started = await GatewayProcess.start(options);
      cleanups.push(() => started.stop());
      return started;
    },
    async socketTo(gw: GatewayProcess, options: { noDelay?: boolean } = {}): Promise<Socket> {
      const socket = await gw.connect();
      if (options.noDelay === true) socket.setNoDelay(true);
      cleanups.push(() => socket.destroy());
      return socket;
    },
  };
}
