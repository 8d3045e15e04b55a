/**
 * Runs one of cloudflared's short account commands (create, route dns, delete) to its end and
 * hands back what it printed. Arguments name files only: the API token stays in cert.pem and
 * the tunnel secret in the credentials file, so neither is ever in a command line.
 */
import { spawn } from 'node:child_process';

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** cloudflared reads every flag from a TUNNEL_* variable too; the user's own must not steer Porthole's commands. */
export function isolatedEnv(env: NodeJS.ProcessEnv, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...Object.fromEntries(Object.entries(env).filter(([key]) => !key.toUpperCase().startsWith('TUNNEL_'))), ...extra };
}

/** Output beyond this is dropped: these commands print a few lines, a runaway one must not fill memory. */
const MAX_OUTPUT = 256 * 1024;

export function runCommand(binary: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(binary, args, { env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      if (stdout.length < MAX_OUTPUT) stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < MAX_OUTPUT) stderr += chunk.toString('utf8');
    });
    const timer = setTimeout(() => {
      stderr += `\n(Porthole stopped it after ${Math.round(timeoutMs / 1000)} s without an answer)\n`;
      child.kill('SIGKILL');
    }, timeoutMs);
    timer.unref();
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr: `${stderr}${error.message}\n` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
