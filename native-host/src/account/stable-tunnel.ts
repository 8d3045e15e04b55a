/**
 * A stable share's side of the named tunnel, shaped like a quick tunnel (runtime.ts's
 * TunnelHandle) so the share runs exactly as a quick one does (same gateway, password, expiry,
 * visitors): `url` once its DNS route and router entry exist, `registered` once the account's
 * cloudflared has an edge connection, `exit` when the share is stopped (the router forgets the
 * name; cloudflared goes on serving the others) or could not be set up (a coded error).
 */
import { EventEmitter } from 'node:events';
import { hostError, toHostError } from '../errors.js';
import type { HostError } from '../protocol/index.js';
import type { TunnelHandle } from '../share/runtime.js';
import type { AccountManager, StablePlan } from './account-manager.js';

interface StableTunnelEvents {
  url: [url: string];
  registered: [];
  exit: [exit: { failure: HostError }];
}

export class StableTunnel extends EventEmitter<StableTunnelEvents> implements TunnelHandle {
  url: string | null = null;
  private hostname: string | null = null;
  private ended = false;
  private readonly gatewayPort: number;
  private readonly onRegistered = (): void => this.registered();
  private readonly onFailed = (failure: HostError): void => this.end(failure);

  constructor(
    private readonly account: AccountManager,
    plan: StablePlan,
    gatewayUrl: string,
  ) {
    super();
    this.gatewayPort = Number(new URL(gatewayUrl).port);
    void this.account.attach(plan, this.gatewayPort).then(
      (hostname) => {
        if (this.ended) {
          this.account.detach(hostname, this.gatewayPort);
          return;
        }
        this.hostname = hostname;
        this.url = `https://${hostname}`;
        this.account.on('tunnel-registered', this.onRegistered);
        this.account.on('tunnel-failed', this.onFailed);
        this.emit('url', this.url);
        if (this.account.tunnelRegistered) this.registered();
      },
      (error: unknown) => this.end(toHostError(error)),
    );
  }

  private registered(): void {
    if (!this.ended && this.url !== null) this.emit('registered');
  }

  stop(): Promise<unknown> {
    this.end(hostError('tunnel-exited', 'The share was stopped.'));
    return Promise.resolve();
  }

  killNow(): void {
    this.end(hostError('tunnel-exited', 'The share was stopped.'));
  }

  private end(failure: HostError): void {
    if (this.ended) return;
    this.ended = true;
    this.account.off('tunnel-registered', this.onRegistered);
    this.account.off('tunnel-failed', this.onFailed);
    if (this.hostname !== null) this.account.detach(this.hostname, this.gatewayPort);
    // After the caller's listeners are in place (the runtime subscribes right after construction).
    queueMicrotask(() => this.emit('exit', { failure }));
  }
}
