/**
 * Wires the host's parts together for one run, in either mode (browser or terminal).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccountManager, type StablePlan } from './account/account-manager.js';
import { StableTunnel } from './account/stable-tunnel.js';
import { locateCloudflared, readCloudflaredVersion } from './cloudflared/locate.js';
import { Tunnel, type TunnelOptions } from './cloudflared/tunnel.js';
import { toHostError } from './errors.js';
import type { HostPaths } from './host-paths.js';
import type { Logger } from './log.js';
import type { Platform } from './platform/index.js';
import { probeConfigFromEnv } from './probe/probe-config.js';
import { type HelloResult, HOST_FEATURES, HOST_NAME, type LoopbackOrigin, OLDEST_PROTOCOL, PROTOCOL_VERSION } from './protocol/index.js';
import { RunningRecordFile } from './share/running-record.js';
import { GatewayShareRuntime, preloadShareModules } from './share/runtime.js';
import { ShareManager } from './share/share-manager.js';
import type { AppliedSettings } from './share/share-transitions.js';
import { type StateDirStatus, writePrivateFile } from './state-dir.js';
import { HOST_VERSION } from './version.js';

export interface HostContext {
  env: NodeJS.ProcessEnv;
  paths: HostPaths;
  platform: Platform;
  log: Logger;
  /** Which parts of the state folder are safe to use (state-dir.ts). */
  state: StateDirStatus;
}

/** A positive number from the environment: tuning that tests shorten and people never need to touch. */
function positiveNumber(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const value = Number(env[name]);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

function tunnelTimings(env: NodeJS.ProcessEnv): Pick<TunnelOptions, 'stopGraceMs' | 'urlTimeoutMs' | 'readyPollMs'> {
  return {
    stopGraceMs: positiveNumber(env, 'PORTHOLE_STOP_GRACE_MS'),
    urlTimeoutMs: positiveNumber(env, 'PORTHOLE_URL_TIMEOUT_MS'),
    readyPollMs: positiveNumber(env, 'PORTHOLE_READY_POLL_MS'),
  };
}

/**
 * cloudflared would otherwise read ~/.cloudflared/config.yml, whose named-tunnel settings leak into
 * a quick tunnel (fixture config-yml.stderr.log). An empty YAML document counts as "no config
 * file" to cloudflared, so the file holds one harmless setting.
 */
function writeQuickTunnelConfig(path: string): void {
  writePrivateFile(path, '# Written by Porthole: keeps ~/.cloudflared/config.yml out of quick tunnels.\nno-autoupdate: true\n');
}

/** The state folder when it is safe; else a private folder of this run's own, so that sharing still works. */
function quickTunnelConfigPath(context: HostContext): () => string {
  let path: string | undefined;
  return () =>
    (path ??= context.state.stateDirUsable
      ? context.paths.cloudflaredConfig
      : join(mkdtempSync(join(tmpdir(), 'porthole-')), 'cloudflared-quick-tunnel.yml'));
}

/** One crash record per host process (running-record.ts), shared by the share manager and the account. */
const records = new WeakMap<HostContext, RunningRecordFile>();
function runningRecord(context: HostContext): RunningRecordFile {
  let record = records.get(context);
  if (record === undefined) {
    record = new RunningRecordFile(context.state.runningDirUsable ? context.paths.runningDir : null);
    records.set(context, record);
  }
  return record;
}

/** The Cloudflare account behind stable addresses (issue 14); `openBrowser` for a person at a terminal. */
export function createAccountManager(context: HostContext, options: { openBrowser?: boolean } = {}): AccountManager {
  const { env, paths, platform, log } = context;
  const record = runningRecord(context);
  let _hostStartTime: Promise<void> | undefined;
  return new AccountManager({
    env,
    stateDir: paths.stateDir,
    stateUsable: context.state.stateDirUsable,
    platform,
    log,
    binary: () => locateCloudflared({ env, hostDir: paths.hostDir, exeSuffix: platform.exeSuffix }).path,
    openBrowser: options.openBrowser,
    // As for quick tunnels (below): the reaper of a later host stops this pid only if its start
    // time and arguments are still these, read from the OS once the program has printed.
    track: (pid, argv, printed) => {
      _hostStartTime ??= platform.inspectProcess(process.pid).then((self) => record.setHostStartTime(self?.startTime ?? null));
      record.add({ pid, argv, startTime: null, startedAt: Date.now() });
      void printed.then(() =>
        platform.inspectProcess(pid).then((seen) => {
          if (seen !== null)
            record.update(pid, { startTime: seen.startTime, ...(seen.argv !== null && seen.argv.length > 0 ? { argv: seen.argv } : {}) });
        }),
      );
    },
    untrack: (pid) => record.remove(pid),
  });
}

export function createShareManager(context: HostContext, account?: AccountManager): ShareManager {
  const { env, paths, platform, log } = context;
  const record = runningRecord(context);
  let _hostStartTime: Promise<void> | undefined;
  const configPath = quickTunnelConfigPath(context);
  const probe = probeConfigFromEnv(env);
  const startTunnel = (binary: string, gatewayUrl: string): Tunnel => {
    writeQuickTunnelConfig(configPath());
    const tunnel = new Tunnel({ binary, originUrl: gatewayUrl, configPath: configPath(), env, platform, ...tunnelTimings(env) });
    const pid = tunnel.pid;
    log.info(`started ${binary} ${tunnel.args.join(' ')} (pid ${pid ?? 'none'})`);
    if (pid !== undefined) {
      // Asked once, with the first tunnel: on Windows asking costs a PowerShell start.
      _hostStartTime ??= platform.inspectProcess(process.pid).then((self) => record.setHostStartTime(self?.startTime ?? null));
      // The reaper of a later host signals this pid only if its start time and arguments are still
      // these (running-record.ts). Both are read from the OS once the program prints, when it
      // surely runs its own code (a script shows its interpreter first); until Node has seen it
      // exit, the pid cannot belong to anything else.
      record.add({ pid, argv: [binary, ...tunnel.args], startTime: null, startedAt: Date.now() });
      tunnel.once('line', () => {
        void platform.inspectProcess(pid).then((seen) => {
          if (seen !== null)
            record.update(pid, { startTime: seen.startTime, ...(seen.argv !== null && seen.argv.length > 0 ? { argv: seen.argv } : {}) });
        });
      });
    }
    tunnel.on('line', (line) => log.info(`cloudflared[${pid}] ${line}`));
    tunnel.on('exit', (exit) => {
      if (pid !== undefined) record.remove(pid);
      log.info(`cloudflared[${pid}] ended (code ${exit.code}, signal ${exit.signal})`);
    });
    return tunnel;
  };
  const startShare = (origin: LoopbackOrigin, settings: AppliedSettings, stable?: StablePlan): GatewayShareRuntime => {
    // Found before anything starts, so that a missing cloudflared is the share request's error reply.
    const binary = locateCloudflared({ env, hostDir: paths.hostDir, exeSuffix: platform.exeSuffix });
    return new GatewayShareRuntime({
      origin,
      settings,
      probe,
      log,
      startTunnel: (gatewayUrl) =>
        stable !== undefined && account !== undefined
          ? new StableTunnel(account, stable, gatewayUrl)
          : startTunnel(binary.path, gatewayUrl),
      originPollMs: positiveNumber(env, 'PORTHOLE_ORIGIN_POLL_MS'),
    });
  };
  return new ShareManager({
    startShare,
    planStable: account === undefined ? undefined : (key, origin, name) => account.plan(key, origin, name),
    maxShares: positiveNumber(env, 'PORTHOLE_MAX_SHARES'),
  });
}

export async function hello(context: HostContext): Promise<HelloResult> {
  preloadShareModules();
  const base = {
    type: 'hello' as const,
    name: HOST_NAME,
    version: HOST_VERSION,
    protocol: PROTOCOL_VERSION,
    oldestProtocol: OLDEST_PROTOCOL,
    platform: process.platform,
    arch: process.arch,
    features: [...HOST_FEATURES],
  };
  try {
    const located = locateCloudflared({ env: context.env, hostDir: context.paths.hostDir, exeSuffix: context.platform.exeSuffix });
    return { ...base, cloudflared: { ...located, version: await readCloudflaredVersion(located.path) }, cloudflaredError: null };
  } catch (error) {
    return { ...base, cloudflared: null, cloudflaredError: toHostError(error) };
  }
}
