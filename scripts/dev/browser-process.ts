/**
 * The browser as a child process: its stderr kept out of sight but remembered (the last lines are
 * the reason when it dies), its whole process group stopped on request, SIGTERM first and SIGKILL
 * if it lingers.
 */
import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import { OutputTail } from './output-tail.js';

export interface BrowserExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Seconds since it started. */
  after: number;
}

export interface BrowserProcess {
  child: ChildProcess;
  tail: OutputTail;
  exited: Promise<BrowserExit>;
  /**
   * Ends the browser and every process of its group (renderers, the host it started): first as a
   * person would (the browser's own close command, set with `closeWith`), so that it closes its
   * native ports and the host stops its tunnels; then SIGTERM; then SIGKILL.
   */
  stop(): Promise<BrowserExit>;
  closeWith(close: () => void): void;
  /** Calls `listener` with each chunk of stderr (the Firefox launcher reads its BiDi address there). */
  onStderr(listener: (text: string) => void): void;
}

const GRACE_MS = 5000;

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    // Its own process group (detached): the renderers and helpers go with it.
    if (process.platform !== 'win32' && child.pid !== undefined) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    // Already gone.
  }
}

export function startBrowser(file: string, args: string[], env: NodeJS.ProcessEnv, extraStdio: StdioOptions = []): BrowserProcess {
  const started = Date.now();
  const child = spawn(file, args, {
    env,
    stdio: ['ignore', 'pipe', 'pipe', ...(Array.isArray(extraStdio) ? extraStdio : [])],
    // A group of its own: Ctrl-C reaches npm start, which stops the browser in order and then
    // removes the profile, instead of racing the browser to it.
    detached: process.platform !== 'win32',
  });
  const tail = new OutputTail();
  const listeners: ((text: string) => void)[] = [];
  const take = (chunk: Buffer): void => {
    const text = chunk.toString('utf8');
    tail.push(text);
    for (const listener of listeners) listener(text);
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  const exited = new Promise<BrowserExit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal, after: (Date.now() - started) / 1000 }));
    child.once('error', (error) => {
      tail.push(`${error.message}\n`);
      resolve({ code: 127, signal: null, after: (Date.now() - started) / 1000 });
    });
  });
  let stopping: Promise<BrowserExit> | null = null;
  let close: (() => void) | null = null;
  const stop = (): Promise<BrowserExit> => {
    stopping ??= (async () => {
      const running = child.exitCode === null && child.signalCode === null;
      if (running && close !== null) {
        try {
          close();
        } catch {
          // The control channel is gone: the signals below do it.
        }
      } else if (running) child.kill('SIGTERM');
      const timers = [
        ...(close !== null ? [setTimeout(() => child.kill('SIGTERM'), GRACE_MS)] : []),
        setTimeout(() => signalGroup(child, 'SIGKILL'), close !== null ? 2 * GRACE_MS : GRACE_MS),
      ];
      const result = await exited;
      timers.forEach(clearTimeout);
      await reapGroup(child);
      return result;
    })();
    return stopping;
  };
  return {
    child,
    tail,
    exited,
    stop,
    closeWith: (how) => (close = how),
    onStderr: (listener) => listeners.push(listener),
  };
}

/**
 * After the browser's main process exits, what is left of its group (a renderer on its way out, a
 * host closing its tunnels) gets a moment, then SIGTERM, then SIGKILL: nothing outlives npm start.
 */
export async function reapGroup(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (process.platform === 'win32' || pid === undefined) return;
  const waitEmpty = async (ms: number): Promise<boolean> => {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (!groupAlive(pid)) return true;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return !groupAlive(pid);
  };
  if (await waitEmpty(1500)) return;
  signalGroup(child, 'SIGTERM');
  if (await waitEmpty(2000)) return;
  signalGroup(child, 'SIGKILL');
  await waitEmpty(1000);
}
