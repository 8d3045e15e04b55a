/**
 * Wires the host's parts together for one run, in either mode (browser or terminal).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { locateCloudflared, readCloudflaredVersion } from './cloudflared/locate.js';
import { Tunnel, type TunnelOptions } from './cloudflared/tunnel.js';
import { toHostError } from './errors.js';
import type { HostPaths } from './host-paths.js';
import type { Logger } from './log.js';
import type { Platform } from './platform/index.js';
import { HOST_FEATURES, HOST_NAME, OLDEST_PROTOCOL, PROTOCOL_VERSION, type HelloResult, type LoopbackOrigin } from './protocol/index.js';
import { RunningRecordFile } from './share/running-record.js';
import { probeConfigFromEnv } from './probe/probe-config.js';
import { GatewayShareRuntime, preloadShareModules } from './share/runtime.js';
import { ShareManager } from './share/share-manager.js';
import type { AppliedSettings } from './share/share-transitions.js';
import { HOST_VERSION } from './version.js';

export interface HostContext {
  env: NodeJS.ProcessEnv;
  paths: HostPaths;
  platform: Platform;
  log: Logger;
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
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, '# Written by Porthole: keeps ~/.cloudflared/config.yml out of quick tunnels.\nno-autoupdate: true\n');
}

export function createShareManager(context: HostContext): ShareManager {
  const { env, paths, platform, log } = context;
  const record = new RunningRecordFile(paths.runningDir);
  const probe = probeConfigFromEnv(env);
  const startTunnel = (binary: string, gatewayUrl: string): Tunnel => {
    writeQuickTunnelConfig(paths.cloudflaredConfig);
    const tunnel = new Tunnel({ binary, originUrl: gatewayUrl, configPath: paths.cloudflaredConfig, env, platform, ...tunnelTimings(env) });
    const pid = tunnel.pid;
    log.info(`started ${binary} ${tunnel.args.join(' ')} (pid ${pid ?? 'none'})`);
    if (pid !== undefined) record.add({ pid, argv: [binary, ...tunnel.args], startedAt: Date.now() });
    tunnel.on('line', (line) => log.info(`cloudflared[${pid}] ${line}`));
    tunnel.on('exit', (exit) => {
      if (pid !== undefined) record.remove(pid);
      log.info(`cloudflared[${pid}] ended (code ${exit.code}, signal ${exit.signal})`);
    });
    return tunnel;
  };
  const startShare = (origin: LoopbackOrigin, settings: AppliedSettings): GatewayShareRuntime => {
    // Found before anything starts, so that a missing cloudflared is the share request's error reply.
    const binary = locateCloudflared({ env, hostDir: paths.hostDir, exeSuffix: platform.exeSuffix });
    return new GatewayShareRuntime({
      origin,
      settings,
      probe,
      log,
      startTunnel: (gatewayUrl) => startTunnel(binary.path, gatewayUrl),
      originPollMs: positiveNumber(env, 'PORTHOLE_ORIGIN_POLL_MS'),
    });
  };
  return new ShareManager({ startShare, maxShares: positiveNumber(env, 'PORTHOLE_MAX_SHARES') });
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
