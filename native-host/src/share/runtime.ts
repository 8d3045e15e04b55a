/**
 * What runs for one share: the gateway, then cloudflared pointed at it, then the check that the
 * public address really answers. Turns the three into the events ShareManager understands.
 *
 * When the check keeps failing: after `probe.waitMs` (10 s) from registration the share goes live
 * anyway, with an `unverified` warning (cloudflared has a registered connection, so the address
 * usually works a little later, and a network that blocks 1.1.1.1 must not keep a working share from
 * ever going live). Checks go on every 5 s for another 2 minutes; the first that passes
 * lifts the warning (`verified`). After that the warning stays; nothing ever hangs.
 */
import { EventEmitter } from 'node:events';
import { createServer } from 'node:net';
import { hostError, toHostError } from '../errors.js';
import type { Gateway } from '../gateway/gateway.js';
import type { Logger } from '../log.js';
import type { ProbeResult } from '../probe/probe.js';
import type { ProbeConfig } from '../probe/probe-config.js';
import { probeDelayMs } from '../probe/probe-config.js';
import { newProbeToken } from '../probe/probe-token.js';
import type { HostError, LoopbackOrigin, ShareTraffic } from '../protocol/index.js';
import { loggablePath } from '../redact.js';
import type { ShareRuntime } from './share-manager.js';
import type { AppliedSettings } from './share-transitions.js';

/** What the runtime needs of a tunnel; cloudflared/tunnel.ts is the real one. */
export interface TunnelHandle {
  readonly url: string | null;
  on(event: 'url', listener: (url: string) => void): unknown;
  on(event: 'registered', listener: () => void): unknown;
  on(event: 'exit', listener: (exit: { failure: HostError }) => void): unknown;
  stop(): Promise<unknown>;
  killNow(): void;
}

export interface RuntimeOptions {
  origin: LoopbackOrigin;
  settings: AppliedSettings;
  /** Starts cloudflared forwarding to the gateway's URL. */
  startTunnel(gatewayUrl: string): TunnelHandle;
  probe: ProbeConfig;
  log: Logger;
  /** Tests replace the network check. */
  probeOnce?: (publicUrl: string, token: string, config: ProbeConfig) => Promise<ProbeResult>;
  trafficIntervalMs?: number;
  originPollMs?: number;
}

interface RuntimeEvents {
  url: [url: string];
  live: [verified: boolean];
  verified: [];
  origin: [reachable: boolean];
  traffic: [traffic: ShareTraffic];
  /** Why its cloudflared ended, had nobody asked it to (ShareManager knows whether it did, and decides what follows). */
  exit: [failure: HostError];
}

export class GatewayShareRuntime extends EventEmitter<RuntimeEvents> implements ShareRuntime {
  private gateway: Gateway | null = null;
  /** The share's settings; the gateway applies the password and Host handling, the manager the expiry. */
  private settings: AppliedSettings;
  private readonly token = newProbeToken();
  private tunnel: TunnelHandle | null = null;
  private gatewayUrl: string | null = null;
  private stopRequested = false;
  /** A cloudflared is starting or running (or, before the first, the gateway is being set up). */
  private running = true;
  /** Counts cloudflareds: a check for an earlier one stops when a later one runs. */
  private generation = 0;
  private readonly started: Promise<void>;
  private readonly sleeps = new Set<{ timer: NodeJS.Timeout; wake: () => void }>();

  constructor(private readonly options: RuntimeOptions) {
    super();
    this.settings = options.settings;
    this.started = this.start();
  }

  configure(settings: AppliedSettings): void {
    this.settings = settings;
    this.gateway?.configure(settings);
  }

  /** Resolves once the 'exit' that follows has been emitted. */
  async stop(): Promise<unknown> {
    this.stopRequested = true;
    this.wakeSleepers();
    await this.started;
    if (this.tunnel !== null && this.running) await this.tunnel.stop();
    else this.tunnelEnded(hostError('tunnel-exited', 'The share was stopped before its tunnel started.'));
    this.release();
    return undefined;
  }

  killNow(): void {
    this.stopRequested = true;
    this.wakeSleepers();
    this.tunnel?.killNow();
    this.release();
  }

  /** A new cloudflared for the same gateway, after the last one ended on its own (ShareManager decides when). */
  restart(): void {
    if (this.stopRequested || this.running || this.gatewayUrl === null) return;
    this.running = true;
    this.options.log.info(`restarting cloudflared for ${this.options.origin.origin}`);
    this.startTunnel(this.gatewayUrl);
  }

  /** The share is over: the gateway closes. */
  release(): void {
    this.wakeSleepers();
    this.gateway?.close();
  }

  private async start(): Promise<void> {
    let gatewayUrl: string;
    try {
      // Loaded with the first share (or just after hello, by preloadShareModules): a host that only answers hello never pays for the relay.
      const { Gateway } = await import('../gateway/gateway.js');
      const gateway = new Gateway({
        origin: this.options.origin,
        settings: this.settings,
        probeToken: this.token,
        log: this.options.log,
        trafficIntervalMs: this.options.trafficIntervalMs,
        originPollMs: this.options.originPollMs,
      });
      this.gateway = gateway;
      // Visitors' query strings (tokens, session ids) never leave the gateway: not to the popup, the CLI's lines or a log.
      gateway.on('traffic', (traffic) =>
        this.emit('traffic', { ...traffic, recent: traffic.recent.map((r) => ({ ...r, path: loggablePath(r.path) })) }),
      );
      gateway.on('origin', (reachable) => this.emit('origin', reachable));
      if (this.stopRequested) return;
      gatewayUrl = await gateway.listen();
    } catch (error) {
      this.tunnelEnded(
        hostError(
          'internal',
          'Porthole could not open its local gateway for this share. Try again; see the host log if it keeps failing.',
          toHostError(error).detail ?? String(error),
        ),
      );
      return;
    }
    if (this.stopRequested) return;
    this.options.log.info(`gateway for ${this.options.origin.origin} listens at ${gatewayUrl}`);
    this.gatewayUrl = gatewayUrl;
    this.startTunnel(gatewayUrl);
  }

  private startTunnel(gatewayUrl: string): void {
    const generation = ++this.generation;
    const tunnel = this.options.startTunnel(gatewayUrl);
    this.tunnel = tunnel;
    tunnel.on('url', (url) => {
      if (generation !== this.generation) return;
      // The gateway serves the new name from now on; the old one, dead with its tunnel, is refused.
      this.gateway?.setPublicUrl(url);
      this.emit('url', url);
    });
    tunnel.on('registered', () => {
      if (generation === this.generation) void this.verify(generation);
    });
    tunnel.on('exit', (exit) => {
      if (generation === this.generation) this.tunnelEnded(exit.failure);
    });
  }

  /** Checks the public address until it answers, then says live; see the header for the limits. */
  private async verify(generation: number): Promise<void> {
    const ended = (): boolean => this.stopRequested || !this.running || generation !== this.generation;
    const url = this.tunnel?.url;
    if (url === null || url === undefined) return;
    const { probe } = this.options;
    if (!probe.enabled) {
      this.emit('live', true);
      return;
    }
    const check = this.options.probeOnce ?? (await import('../probe/probe.js')).probeOnce;
    const deadline = performance.now() + probe.waitMs;
    for (let attempt = 0; ; attempt++) {
      // The last attempts may not run past the deadline by a whole attempt's timeout.
      const remaining = deadline - performance.now();
      const result = await check(url, this.token, {
        ...probe,
        attemptTimeoutMs: Math.max(1000, Math.min(probe.attemptTimeoutMs, remaining)),
      });
      if (ended()) return;
      if (result.ok) {
        this.options.log.info(`${url} answers through the tunnel (check ${attempt + 1})`);
        this.emit('live', true);
        return;
      }
      this.options.log.info(`${url} not reachable yet: ${result.reason}`);
      if (performance.now() >= deadline) break;
      await this.sleep(Math.min(probeDelayMs(attempt), Math.max(0, deadline - performance.now())));
      if (ended()) return;
    }
    this.options.log.warn(`${url} did not answer within ${probe.waitMs} ms; calling it live, unverified`);
    this.emit('live', false);
    const until = performance.now() + probe.backgroundMs;
    while (performance.now() < until) {
      await this.sleep(probe.backgroundEveryMs);
      if (ended()) return;
      const result = await check(url, this.token, probe);
      if (ended()) return;
      if (result.ok) {
        this.options.log.info(`${url} answers through the tunnel at last`);
        this.emit('verified');
        return;
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const sleeper = {
        wake: () => {
          clearTimeout(sleeper.timer);
          this.sleeps.delete(sleeper);
          resolve();
        },
        timer: setTimeout(() => sleeper.wake(), ms),
      };
      sleeper.timer.unref();
      this.sleeps.add(sleeper);
    });
  }

  private wakeSleepers(): void {
    for (const sleeper of [...this.sleeps]) sleeper.wake();
  }

  /**
   * The current cloudflared ended (or none could start). The gateway stays up, in case the share
   * manager restarts cloudflared; it closes on stop() or release().
   */
  private tunnelEnded(failure: HostError): void {
    if (!this.running) return;
    this.running = false;
    this.wakeSleepers();
    if (this.stopRequested) this.gateway?.close();
    this.emit('exit', failure);
  }
}

/**
 * Loads what the first share needs (the gateway, the probe) ahead of it, once the host has
 * answered `hello`: a host started for a popup would otherwise make its first share wait about
 * 80 ms for module evaluation that later shares skip. Deferred to a timer so the reply goes first.
 */
let preloaded = false;

export function preloadShareModules(): void {
  // Once per process: every hello asks, and the throwaway listen below would be repeated for nothing.
  if (preloaded) return;
  preloaded = true;
  setTimeout(() => {
    void import('../gateway/gateway.js');
    void import('../probe/probe.js');
    // The first listen() of a process costs about 40 ms (Node's server set-up, compiled on first
    // use); a throwaway server on loopback pays it now, not the first share's gateway.
    const warm = createServer();
    warm.on('error', () => undefined);
    warm.listen(0, '127.0.0.1', () => warm.close());
  }, 0).unref();
}
