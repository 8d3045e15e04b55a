/**
 * One running cloudflared quick tunnel: spawns it, reads its stderr line by line, and reports
 * the address, the moment it is live, and why it ended. The thin I/O shell around parse.ts and
 * diagnosis.ts.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { hostError } from '../errors.js';
import type { Platform } from '../platform/index.js';
import type { HostError } from '../protocol/index.js';
import { EMPTY_DIAGNOSIS, failureOnExit, observeLine, type TunnelDiagnosis } from './diagnosis.js';
import { LineSplitter } from './line-splitter.js';
import { parseCloudflaredLine } from './parse.js';
import { checkReady } from './ready-check.js';

export interface TunnelOptions {
  binary: string;
  /**
   * What cloudflared forwards to: the share's gateway, `http://127.0.0.1:PORT`, never the origin
   * itself. The gateway deals with the origin's Host rules, address family and certificate, so
   * cloudflared needs no --http-host-header or --no-tls-verify, and always dials an IPv4 literal.
   */
  originUrl: string;
  /** Porthole's own (empty) config file: keeps ~/.cloudflared/config.yml out of the quick tunnel. */
  configPath: string;
  env: NodeJS.ProcessEnv;
  platform: Platform;
  /** How long SIGTERM gets before SIGKILL. cloudflared itself would wait up to 30 s for in-flight requests. */
  stopGraceMs?: number;
  /** Give up when no address arrives in this time (the quick-tunnel API hangs rather than fails). */
  urlTimeoutMs?: number;
  /** How often to ask the metrics server's /ready while waiting for a registered connection. */
  readyPollMs?: number;
}

export interface TunnelExit {
  /**
   * Why it ended, read from its output and exit status. Whether that is a failure or the stop that
   * was asked for is not the tunnel's call: ShareManager, which does all the asking, decides.
   */
  failure: HostError;
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface TunnelEvents {
  url: [url: string];
  /** A connection to Cloudflare's edge is registered (the address may still not resolve everywhere). */
  registered: [];
  line: [line: string];
  exit: [exit: TunnelExit];
}

function buildTunnelArgs(options: Pick<TunnelOptions, 'originUrl' | 'configPath'>): string[] {
  return [
    'tunnel',
    '--no-autoupdate',
    '--config',
    options.configPath,
    // The "Registered tunnel connection" line is INF: make sure a user's TUNNEL_LOGLEVEL cannot hide it.
    '--loglevel',
    'info',
    '--url',
    options.originUrl,
  ];
}

/** cloudflared reads every flag from a TUNNEL_* variable too; the user's own must not steer our tunnel. */
function isolatedEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !key.toUpperCase().startsWith('TUNNEL_')));
}

/** The longest wait between two /ready polls; the "Registered tunnel connection" line is the fast path anyway. */
const READY_POLL_MAX_MS = 60_000;

export class Tunnel extends EventEmitter<TunnelEvents> {
  readonly args: string[];
  readonly pid: number | undefined;
  private readonly child: ChildProcess;
  private diagnosis: TunnelDiagnosis = EMPTY_DIAGNOSIS;
  private stopRequested = false;
  private exited = false;
  private registeredSent = false;
  private readonly exitPromise: Promise<TunnelExit>;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: TunnelOptions) {
    super();
    this.args = buildTunnelArgs(options);
    this.child = spawn(options.binary, this.args, {
      env: isolatedEnv(options.env),
      stdio: ['ignore', 'ignore', 'pipe'],
      windowsHide: true,
    });
    this.pid = this.child.pid;
    this.exitPromise = new Promise((resolve) => this.once('exit', resolve));

    const splitter = new LineSplitter();
    const onLines = (lines: string[]): void => {
      for (const line of lines) this.onLine(line);
    };
    this.child.stderr?.on('data', (chunk: Buffer) => onLines(splitter.push(chunk)));
    this.child.stderr?.on('end', () => onLines(splitter.end()));
    this.child.on('error', (error) =>
      this.finish(null, null, hostError('internal', `cloudflared could not be started: ${error.message}.`)),
    );
    this.child.on('close', (code, signal) => this.finish(code, signal, null));

    this.after(options.urlTimeoutMs ?? 45_000, () => {
      if (this.diagnosis.url !== null || this.exited) return;
      this.diagnosis = observeLine(this.diagnosis, {
        kind: 'problem',
        code: 'tunnel-service-error',
        fatal: true,
        text: `no address from trycloudflare.com after ${Math.round((options.urlTimeoutMs ?? 45_000) / 1000)} s`,
      });
      this.kill();
    });
  }

  get url(): string | null {
    return this.diagnosis.url;
  }

  /** Resolves when the process has ended, whoever ended it. */
  stop(): Promise<TunnelExit> {
    if (!this.exited && !this.stopRequested) {
      this.stopRequested = true;
      if (this.pid !== undefined) this.options.platform.terminate(this.pid);
      this.after(this.options.stopGraceMs ?? 500, () => this.forceKill());
    }
    return this.exitPromise;
  }

  /** For exit handlers, where nothing asynchronous runs any more. */
  killNow(): void {
    this.stopRequested = true;
    this.forceKill();
  }

  private kill(): void {
    if (this.exited) return;
    if (this.pid !== undefined) this.options.platform.terminate(this.pid);
    this.after(this.options.stopGraceMs ?? 500, () => this.forceKill());
  }

  private forceKill(): void {
    if (!this.exited && this.pid !== undefined) this.options.platform.forceKill(this.pid);
  }

  private onLine(text: string): void {
    this.emit('line', text);
    const parsed = parseCloudflaredLine(text);
    if (parsed === null) return;
    const before = this.diagnosis;
    this.diagnosis = observeLine(before, parsed);
    if (before.url === null && this.diagnosis.url !== null) {
      this.emit('url', this.diagnosis.url);
      this.pollReady();
    }
    this.maybeRegistered();
  }

  private maybeRegistered(): void {
    if (this.registeredSent || this.exited || this.stopRequested) return;
    if (this.diagnosis.url === null || !this.diagnosis.registered) return;
    this.registeredSent = true;
    this.emit('registered');
  }

  /**
   * The log line is the fast path to `registered`; /ready on the metrics server is the fallback for
   * releases or log levels where that line does not show.
   */
  private pollReady(): void {
    const first = this.options.readyPollMs ?? 1000;
    // Idle means idle (issue 15): a tunnel that does not register soon is one the edge keeps
    // refusing, so each wait doubles, up to READY_POLL_MAX_MS. Twenty such shares polled once a
    // second over node:http cost the host about a quarter of a second of CPU every 10 s.
    // The jitter (±25 %) keeps shares started together from polling together ever after.
    let interval = first;
    const again = (): void => {
      interval = Math.min(interval * 2, Math.max(first, READY_POLL_MAX_MS));
      this.after(interval * (0.75 + Math.random() / 2), poll);
    };
    const poll = (): void => {
      if (this.registeredSent || this.exited || this.stopRequested) return;
      const address = this.diagnosis.metricsAddress;
      if (address === null) {
        again();
        return;
      }
      void checkReady(address, first).then((ready) => {
        if (!ready) return again();
        this.diagnosis = { ...this.diagnosis, registered: true };
        this.maybeRegistered();
      });
    };
    this.after(first, poll);
  }

  private after(ms: number, task: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      task();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  private finish(code: number | null, signal: NodeJS.Signals | null, startError: HostError | null): void {
    if (this.exited) return;
    this.exited = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.emit('exit', { failure: startError ?? failureOnExit(this.diagnosis, { code, signal }), code, signal });
  }
}
