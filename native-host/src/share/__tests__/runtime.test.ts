/**
 * The runtime's wiring: gateway first, then the tunnel pointed at it, then the probe before live.
 * The gateway is real (loopback only); the tunnel and the probe are scripted.
 */
import { EventEmitter } from 'node:events';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../log.js';
import type { ProbeResult } from '../../probe/probe.js';
import { DEFAULT_PROBE, type ProbeConfig } from '../../probe/probe-config.js';
import { probeAnswer } from '../../probe/probe-token.js';
import { checkLoopbackOrigin, type LoopbackOrigin } from '../../protocol/index.js';
import { GatewayShareRuntime, type TunnelHandle } from '../runtime.js';

class ScriptedTunnel extends EventEmitter implements TunnelHandle {
  url: string | null = null;
  stops = 0;
  constructor(readonly gatewayUrl: string) {
    super();
  }
  stop(): Promise<void> {
    this.stops++;
    queueMicrotask(() =>
      this.emit('exit', { failure: { code: 'tunnel-exited', message: 'ended by SIGTERM' }, code: null, signal: 'SIGTERM' }),
    );
    return Promise.resolve();
  }
  killNow(): void {}
  goLive(url = 'https://a-b-c-d.trycloudflare.com'): void {
    this.url = url;
    this.emit('url', url);
    this.emit('registered');
  }
}

const runtimes: GatewayShareRuntime[] = [];
afterEach(async () => {
  for (const runtime of runtimes.splice(0)) await runtime.stop();
});

function origin(): LoopbackOrigin {
  const checked = checkLoopbackOrigin('http://localhost:1');
  if (!checked.ok) throw new Error('bad origin');
  return checked.value;
}

/** Asks the gateway for `path` the way the public probe arrives: through cloudflared, i.e. straight to the gateway. */
function viaGateway(gatewayUrl: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(`${gatewayUrl}${path}`, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

function start(probe: Partial<ProbeConfig>, answers: (attempt: number, gatewayUrl: string, path: string) => Promise<ProbeResult>) {
  const tunnels: ScriptedTunnel[] = [];
  const events: string[] = [];
  let attempts = 0;
  const runtime = new GatewayShareRuntime({
    origin: origin(),
    settings: { password: 'secret', expiresAt: null, keepPublicHost: false },
    log: silentLogger,
    probe: { ...DEFAULT_PROBE, ...probe },
    startTunnel: (gatewayUrl) => {
      const tunnel = new ScriptedTunnel(gatewayUrl);
      tunnels.push(tunnel);
      return tunnel;
    },
    probeOnce: (_url, token) => answers(attempts++, tunnels[0]!.gatewayUrl, `/.well-known/porthole-probe/${token}`),
    originPollMs: 60_000,
  });
  runtimes.push(runtime);
  for (const name of ['url', 'live', 'verified', 'origin', 'exit'] as const)
    runtime.on(name, (value?: unknown) => events.push(`${name}${value === undefined ? '' : `:${JSON.stringify(value)}`}`));
  const until = async (predicate: () => boolean, ms = 3000) => {
    const deadline = Date.now() + ms;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out; events: ${events.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  return { runtime, tunnels, events, until, attempts: () => attempts };
}

describe('GatewayShareRuntime', () => {
  it('starts cloudflared at the gateway, and is live once the probe gets the gateway’s own answer (past the password)', async () => {
    const { tunnels, events, until } = start({}, async (_attempt, gatewayUrl, path) => {
      const answer = await viaGateway(gatewayUrl, path);
      return answer.status === 200 && answer.body === probeAnswer(path.split('/').at(-1)!)
        ? { ok: true }
        : { ok: false, reason: String(answer.status) };
    });
    await until(() => tunnels.length === 1);
    expect(tunnels[0]?.gatewayUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    tunnels[0]?.goLive();
    await until(() => events.includes('live:true'));
    expect(events).toEqual(expect.arrayContaining(['url:"https://a-b-c-d.trycloudflare.com"', 'origin:false', 'live:true']));
  });

  it('retries with backoff, then goes live unverified, then verified when the check passes later', async () => {
    // The check fails until the share has gone live unverified, then passes: decided by what happened,
    // not by counting attempts, so a slow machine cannot make an early attempt pass the check.
    let unverifiedYet = (): boolean => false;
    const { tunnels, events, until, attempts } = start({ waitMs: 1000, backgroundEveryMs: 30, backgroundMs: 5000 }, async () =>
      unverifiedYet() ? { ok: true } : { ok: false, reason: 'no such host' },
    );
    unverifiedYet = () => events.includes('live:false');
    await until(() => tunnels.length === 1);
    tunnels[0]?.goLive();
    await until(() => events.includes('live:false'));
    expect(attempts()).toBeGreaterThanOrEqual(2);
    await until(() => events.includes('verified'));
    expect(events.indexOf('live:false')).toBeLessThan(events.indexOf('verified'));
  });

  it('gives up checking after the background window, and a stop ends the waiting at once', async () => {
    const { runtime, tunnels, events, until, attempts } = start({ waitMs: 50, backgroundEveryMs: 20, backgroundMs: 100 }, async () => ({
      ok: false,
      reason: 'down',
    }));
    await until(() => tunnels.length === 1);
    tunnels[0]?.goLive();
    await until(() => events.includes('live:false'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const settled = attempts();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(attempts()).toBe(settled);
    await runtime.stop();
    expect(events.at(-1)).toMatch(/^exit:/);
    expect(events).not.toContain('verified');
  });

  it('a stop before the gateway listens starts no cloudflared', async () => {
    const { runtime, tunnels, events } = start({}, async () => ({ ok: true }));
    await runtime.stop();
    expect(tunnels).toHaveLength(0);
    expect(events.filter((event) => event.startsWith('exit:'))).toHaveLength(1);
  });

  it('without the probe, live comes with the registration', async () => {
    const { tunnels, events, until, attempts } = start({ enabled: false }, async () => ({ ok: false, reason: 'never asked' }));
    await until(() => tunnels.length === 1);
    tunnels[0]?.goLive();
    await until(() => events.includes('live:true'));
    expect(attempts()).toBe(0);
  });
});
