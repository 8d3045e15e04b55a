/**
 * The one long-running cloudflared of a connected account: `tunnel run` of Porthole's named tunnel
 * from the config file Porthole wrote (cert mode), or of a dashboard-managed tunnel with its token
 * in TUNNEL_TOKEN (token mode: the secret never goes into argv, where every user can read it).
 * Reports when a connection to the edge is registered and when it ends.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { LineSplitter } from '../cloudflared/line-splitter.js';
import { parseCloudflaredLine } from '../cloudflared/parse.js';
import type { Platform } from '../platform/index.js';
import { isolatedEnv } from './run-command.js';

export type NamedTunnelLaunch = { kind: 'config'; configPath: string; tunnelId: string } | { kind: 'token'; token: string };

export function namedTunnelArgs(launch: NamedTunnelLaunch): string[] {
  // --no-autoupdate: with stdout piped, cloudflared would otherwise replace itself and exit 11.
  const common = ['tunnel', '--no-autoupdate', '--loglevel', 'info'];
  return launch.kind === 'config' ? [...common, '--config', launch.configPath, 'run', launch.tunnelId] : [...common, 'run'];
}

interface NamedTunnelEvents {
  registered: [];
  line: [line: string];
  exit: [exit: { code: number | null; signal: NodeJS.Signals | null; lastLine: string }];
}

export class NamedTunnelProcess extends EventEmitter<NamedTunnelEvents> {
  readonly args: string[];
  readonly pid: number | undefined;
  private readonly child: ChildProcess;
  private exited = false;
  private registered = false;
  private last = '';
  /** The last reason cloudflared gave for not connecting (the edge unreachable, the edge refusing the tunnel). */
  problem: { refused: boolean; text: string } | null = null;
  private readonly ended: Promise<void>;

  constructor(
    binary: string,
    launch: NamedTunnelLaunch,
    env: NodeJS.ProcessEnv,
    private readonly platform: Platform,
    private readonly stopGraceMs = 2000,
  ) {
    super();
    this.args = namedTunnelArgs(launch);
    this.child = spawn(binary, this.args, {
      env: isolatedEnv(env, launch.kind === 'token' ? { TUNNEL_TOKEN: launch.token } : {}),
      stdio: ['ignore', 'ignore', 'pipe'],
      windowsHide: true,
    });
    this.pid = this.child.pid;
    this.ended = new Promise((resolve) => this.once('exit', () => resolve()));
    const splitter = new LineSplitter();
    const onLines = (lines: string[]): void => {
      for (const line of lines) this.onLine(line);
    };
    this.child.stderr?.on('data', (chunk: Buffer) => onLines(splitter.push(chunk)));
    this.child.stderr?.on('end', () => onLines(splitter.end()));
    this.child.on('error', (error) => this.finish(null, null, error.message));
    this.child.on('close', (code, signal) => this.finish(code, signal, null));
  }

  get isRegistered(): boolean {
    return this.registered;
  }

  get isRunning(): boolean {
    return !this.exited;
  }

  stop(): Promise<void> {
    if (!this.exited && this.pid !== undefined) {
      this.platform.terminate(this.pid);
      const timer = setTimeout(() => this.killNow(), this.stopGraceMs);
      timer.unref();
    }
    return this.ended;
  }

  killNow(): void {
    if (!this.exited && this.pid !== undefined) this.platform.forceKill(this.pid);
  }

  private onLine(line: string): void {
    this.emit('line', line);
    if (line.trim() !== '') this.last = line.trim();
    const parsed = parseCloudflaredLine(line);
    // (source, supervisor/tunnel.go; a user report shows "Unauthorized: Invalid tunnel secret")
    // ERR Register tunnel error from server side error="Unauthorized: Invalid tunnel secret" connIndex=0 …
    if (parsed?.kind === 'log' && /^Register tunnel error from server side\b/.test(parsed.text))
      this.problem = { refused: true, text: parsed.text };
    else if (parsed?.kind === 'problem') this.problem = { refused: false, text: parsed.text };
    if (parsed?.kind === 'registered' && !this.registered) {
      this.registered = true;
      this.emit('registered');
    }
  }

  private finish(code: number | null, signal: NodeJS.Signals | null, error: string | null): void {
    if (this.exited) return;
    this.exited = true;
    this.emit('exit', { code, signal, lastLine: error ?? this.last });
  }
}
