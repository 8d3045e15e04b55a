import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { currentPlatform, type Platform } from './platform/index.js';

export interface HostPaths {
  /** Folder holding the host executable (and the bundled cloudflared beside it). */
  hostDir: string;
  /** What a browser must start: the single executable, or the development launcher beside the bundle. */
  hostExecutable: string;
  stateDir: string;
  /** True when PORTHOLE_STATE_DIR chose the state folder: then Porthole never changes its mode (state-dir.ts). */
  stateDirChosen?: boolean;
  logFile: string;
  /** One record per running host, naming the cloudflared processes it started. */
  runningDir: string;
  /** Porthole's own cloudflared config, so that the user's ~/.cloudflared/config.yml never leaks in. */
  cloudflaredConfig: string;
}

/** True inside a Node single-executable application, where the program is the executable itself. */
function isSingleExecutable(): boolean {
  try {
    // node:sea exists from Node 20.12; require keeps older Nodes and bundlers from choking on it.
    return (require('node:sea') as { isSea(): boolean }).isSea();
  } catch {
    return false;
  }
}

export function resolveHostDir(): string {
  if (isSingleExecutable()) return dirname(process.execPath);
  const script = process.argv[1];
  return script === undefined ? process.cwd() : dirname(realpathSync(script));
}

export function resolveHostPaths(
  env: NodeJS.ProcessEnv = process.env,
  platform: Platform = currentPlatform,
  hostDir: string = resolveHostDir(),
): HostPaths {
  const stateDir = env.PORTHOLE_STATE_DIR || platform.stateDir({ env, home: homedir() });
  return {
    hostDir,
    hostExecutable: isSingleExecutable() ? process.execPath : join(hostDir, `porthole-host${platform.exeSuffix}`),
    stateDir,
    stateDirChosen: Boolean(env.PORTHOLE_STATE_DIR),
    logFile: join(stateDir, 'host.log'),
    runningDir: join(stateDir, 'running'),
    cloudflaredConfig: join(stateDir, 'cloudflared-quick-tunnel.yml'),
  };
}
