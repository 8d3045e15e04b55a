import type { NativePort } from '../native-port';
import type { ExtensionToHost, HostError, HostToExtension, Reply, Share, ShareChange, ShareOptions, ShareTraffic } from '../protocol';
import { checkLoopbackOrigin } from '../protocol';

/**
 * An in-memory native port, as the browser gives one: messages go out with postMessage, come back
 * through onMessage, and the browser may close it with a reason.
 */
export class FakeNativePort implements NativePort {
  readonly sent: ExtensionToHost[] = [];
  closedByUs = false;
  closedByBrowser = false;
  private readonly messageListeners: Array<(message: HostToExtension) => void> = [];
  private readonly disconnectListeners: Array<(reason: string) => void> = [];

  constructor(private readonly onPost: (message: ExtensionToHost, port: FakeNativePort) => void = () => {}) {}

  postMessage(message: ExtensionToHost): void {
    if (this.closedByUs || this.closedByBrowser) throw new Error('Attempting to use a disconnected port object');
    this.sent.push(message);
    this.onPost(message, this);
  }
  disconnect(): void {
    this.closedByUs = true;
  }
  onMessage(listener: (message: HostToExtension) => void): void {
    this.messageListeners.push(listener);
  }
  onDisconnect(listener: (reason: string) => void): void {
    this.disconnectListeners.push(listener);
  }

  /** The host writes a frame. */
  deliver(message: HostToExtension): void {
    if (this.closedByUs || this.closedByBrowser) return;
    for (const listener of this.messageListeners) listener(message);
  }
  /** The browser closes the port (the host exited, or was never found). */
  close(reason: string): void {
    if (this.closedByUs || this.closedByBrowser) return;
    this.closedByBrowser = true;
    for (const listener of this.disconnectListeners) listener(reason);
  }
}

/**
 * A host that answers like the real one, one process per port: `share` replies at once with a
 * starting share; the test moves it on with giveUrl / goLive / fail. Set `missing` to make every
 * connection close the way Chromium closes one to an unregistered host.
 */
export class FakeHost {
  readonly ports: FakeNativePort[] = [];
  shares = new Map<string, Share>();
  missing: string | null = null;
  /** When set, share requests get this error reply. */
  refuseShares: HostError | null = null;
  /** When false, requests get no reply (to test timeouts). */
  answering = true;
  private nextShare = 1;
  now = 1_000_000;

  connect = (): NativePort => {
    // A new port is a new host process: the old one's shares died with it.
    this.shares = new Map();
    const port = new FakeNativePort((message, self) => this.receive(message, self));
    this.ports.push(port);
    if (this.missing !== null) {
      const reason = this.missing;
      queueMicrotask(() => port.close(reason));
    }
    return port;
  };

  get port(): FakeNativePort {
    const port = this.ports.at(-1);
    if (!port) throw new Error('No port was opened');
    return port;
  }

  requests(type?: ExtensionToHost['type']): ExtensionToHost[] {
    return this.ports.flatMap((port) => port.sent).filter((message) => type === undefined || message.type === type);
  }

  giveUrl(shareId: string, url = `https://${shareId}-quick-tunnel.trycloudflare.com`): Share {
    return this.change(shareId, 'url', { url });
  }
  goLive(shareId: string): Share {
    return this.change(shareId, 'live', { state: 'live' });
  }
  fail(shareId: string, error: HostError): Share {
    return this.change(shareId, 'failed', { state: 'failed', error, endedAt: this.now });
  }
  /** The gateway saw visitors (the real host folds a burst into one event per half second). */
  traffic(shareId: string, traffic: ShareTraffic): Share {
    return this.change(shareId, 'traffic', { traffic });
  }
  originDown(shareId: string, message = 'Nothing answers at the shared address on this computer, so visitors see a "not running" page. Start your local server: the share picks it up by itself.'): Share {
    return this.change(shareId, 'origin-unreachable', { warnings: [{ code: 'origin-unreachable', message }] });
  }
  originBack(shareId: string): Share {
    return this.change(shareId, 'origin-reachable', { warnings: [] });
  }
  /** Its expiry came: the host stops it by itself. */
  expire(shareId: string): Share {
    const share = this.change(shareId, 'stopped', { state: 'stopped', endedAt: this.now, stopReason: 'expired' });
    this.shares.delete(shareId);
    return share;
  }

  /** The host's settings for a share, as it applies a share's options or a configure request. */
  private settle(share: Share, options: ShareOptions): Share {
    const next = { ...share };
    if (options.password !== undefined) next.password = options.password;
    if (options.keepPublicHost !== undefined) next.keepPublicHost = options.keepPublicHost;
    if (options.expiresInMinutes !== undefined) next.expiresAt = options.expiresInMinutes === null ? null : this.now + Math.round(options.expiresInMinutes * 60_000);
    return next;
  }

  private change(shareId: string, change: ShareChange, patch: Partial<Share>): Share {
    const current = this.shares.get(shareId);
    if (!current) throw new Error(`no share ${shareId}`);
    const share = { ...current, ...patch };
    this.shares.set(shareId, share);
    this.port.deliver({ type: 'share-event', change, share });
    return share;
  }

  private receive(message: ExtensionToHost, port: FakeNativePort): void {
    if (!this.answering) return;
    const reply = (value: Reply) => queueMicrotask(() => port.deliver(value));
    const { id } = message;
    switch (message.type) {
      case 'hello':
        reply({ id, ok: true, type: 'hello', name: 'dev.porthole.host', version: '0.0.0-test', protocol: 1, platform: 'linux', arch: 'x64', cloudflared: null, cloudflaredError: null });
        return;
      case 'list':
        reply({ id, ok: true, type: 'list', shares: [...this.shares.values()] });
        return;
      case 'share': {
        if (this.refuseShares) {
          reply({ id, ok: false, error: this.refuseShares });
          return;
        }
        const checked = checkLoopbackOrigin(message.origin);
        if (!checked.ok) {
          reply({ id, ok: false, error: { code: checked.code, message: checked.message } });
          return;
        }
        const existing = [...this.shares.values()].find(
          (share) => (share.state === 'starting' || share.state === 'live') && portOf(share.origin) === checked.value.port,
        );
        if (existing) {
          reply({ id, ok: true, type: 'share', share: existing, existing: true });
          return;
        }
        const share: Share = this.settle(
          {
            ...{ id: `s${this.nextShare++}`, origin: checked.value.origin, state: 'starting', url: null, startedAt: this.now, endedAt: null, error: null },
            ...{ password: null, expiresAt: null, keepPublicHost: false, warnings: [], traffic: { requests: 0, visitors: 0, recent: [] }, stopReason: null },
          },
          message.options ?? {},
        );
        this.shares.set(share.id, share);
        queueMicrotask(() => port.deliver({ type: 'share-event', change: 'starting', share }));
        reply({ id, ok: true, type: 'share', share, existing: false });
        return;
      }
      case 'stop': {
        const share = this.shares.get(message.shareId);
        if (!share) {
          reply({ id, ok: false, error: { code: 'bad-request', message: `No share ${message.shareId}.` } });
          return;
        }
        const stopped: Share = { ...share, state: 'stopped', endedAt: this.now, stopReason: 'request' };
        this.shares.delete(share.id);
        queueMicrotask(() => port.deliver({ type: 'share-event', change: 'stopped', share: stopped }));
        reply({ id, ok: true, type: 'stop', share: stopped });
        return;
      }
      case 'configure': {
        const share = this.shares.get(message.shareId);
        if (!share) {
          reply({ id, ok: false, error: { code: 'bad-request', message: 'That share is not running any more (it was stopped, or it failed). Refresh the list of shares.' } });
          return;
        }
        if (typeof message.password === 'string' && message.password.length > 256) {
          reply({ id, ok: false, error: { code: 'bad-request', message: 'The configure field "password" must be a string of 1 to 256 characters without control characters, or null for no password.' } });
          return;
        }
        const { id: _id, type: _type, shareId: _shareId, ...settings } = message;
        const configured = this.settle(share, settings);
        this.shares.set(share.id, configured);
        queueMicrotask(() => port.deliver({ type: 'share-event', change: 'configured', share: configured }));
        reply({ id, ok: true, type: 'configure', share: configured });
        return;
      }
      case 'stop-all': {
        const stopped = [...this.shares.values()].map((share): Share => ({ ...share, state: 'stopped', endedAt: this.now }));
        this.shares.clear();
        reply({ id, ok: true, type: 'stop-all', shares: stopped });
        return;
      }
    }
  }
}

/** Lets queued microtasks and promise chains run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
  await new Promise((resolve) => setTimeout(resolve, 0));
}

function portOf(origin: string): number | null {
  const checked = checkLoopbackOrigin(origin);
  return checked.ok ? checked.value.port : null;
}
