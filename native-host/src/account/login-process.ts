/**
 * One `cloudflared tunnel login`: spawned with a HOME of Porthole's own, so the certificate lands
 * in `<home>/.cloudflared/cert.pem` and the user's own ~/.cloudflared is never touched (cloudflared
 * finds "~" through go-homedir: HOME, then USERPROFILE on Windows). Reports the page to open
 * (parsed from its banner, login-no-browser / login-browser-opened) and how it ended.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { LineSplitter } from '../cloudflared/line-splitter.js';
import type { Logger } from '../log.js';
import { parseLoginUrl } from './named-output.js';
import { isolatedEnv } from './run-command.js';

export interface LoginOptions {
  binary: string;
  /** Emptied and made private first; the login's HOME. */
  home: string;
  env: NodeJS.ProcessEnv;
  log: Logger;
  /**
   * false: cloudflared gets a PATH with no browser opener (the extension opens the page in a tab,
   * which would otherwise open twice); true: a person at a terminal, whose browser it opens.
   */
  openBrowser: boolean;
  /** How long the user has to pick a zone; cloudflared itself polls for about as long. */
  timeoutMs?: number;
  /** From spawning to the URL: it prints at once, unless it cannot start. */
  urlTimeoutMs?: number;
}

interface LoginEvents {
  url: [url: string];
  /** `certPath` is where cloudflared writes the cert; `timedOut` when Porthole stopped it. */
  end: [end: { code: number | null; output: string; certPath: string; timedOut: 'url' | 'login' | null }];
}

export class LoginProcess extends EventEmitter<LoginEvents> {
  url: string | null = null;
  readonly certPath: string;
  private readonly child: ChildProcess;
  private output = '';
  private timedOut: 'url' | 'login' | null = null;

  constructor(options: LoginOptions) {
    super();
    rmSync(options.home, { recursive: true, force: true });
    mkdirSync(options.home, { mode: 0o700 });
    this.certPath = join(options.home, '.cloudflared', 'cert.pem');
    const env = options.env;
    // Releases from 2025 take the two pages as flags; 2023.7 has them built in. Set only in tests.
    const testFlags = [
      ...(env.PORTHOLE_CLOUDFLARE_LOGIN_URL ? ['--loginURL', env.PORTHOLE_CLOUDFLARE_LOGIN_URL] : []),
      ...(env.PORTHOLE_CLOUDFLARE_CALLBACK_URL ? ['--callbackURL', env.PORTHOLE_CLOUDFLARE_CALLBACK_URL] : []),
    ];
    const extra: Record<string, string> = { HOME: options.home, USERPROFILE: options.home };
    if (!options.openBrowser) {
      extra.PATH = join(options.home, 'no-browser');
      mkdirSync(extra.PATH, { mode: 0o700 });
    }
    const args = ['tunnel', 'login', ...testFlags];
    this.child = spawn(options.binary, args, { env: isolatedEnv(env, extra), stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const pid = this.child.pid;
    options.log.info(`started ${options.binary} ${args.join(' ')} (pid ${pid ?? 'none'})`);

    const timeout = setTimeout(() => this.giveUp('login'), options.timeoutMs ?? 10 * 60_000);
    timeout.unref();
    const urlTimeout = setTimeout(() => {
      if (this.url === null) this.giveUp('url');
    }, options.urlTimeoutMs ?? 20_000);
    urlTimeout.unref();
    const onLine = (line: string): void => {
      this.output += `${line}\n`;
      options.log.info(`cloudflared[${pid}] ${line}`);
      const url = parseLoginUrl(line);
      if (url !== null && this.url === null) {
        this.url = url;
        clearTimeout(urlTimeout);
        this.emit('url', url);
      }
    };
    for (const stream of [this.child.stdout, this.child.stderr]) {
      const splitter = new LineSplitter();
      stream?.on('data', (chunk: Buffer) => {
        for (const line of splitter.push(chunk)) onLine(line);
      });
      stream?.on('end', () => {
        for (const line of splitter.end()) onLine(line);
      });
    }
    this.child.on('error', (error) => {
      this.output += `${error.message}\n`;
    });
    this.child.on('close', (code) => {
      clearTimeout(timeout);
      clearTimeout(urlTimeout);
      this.emit('end', { code, output: this.output, certPath: this.certPath, timedOut: this.timedOut });
    });
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }

  private giveUp(why: 'url' | 'login'): void {
    this.timedOut = why;
    this.kill();
  }
}
