import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { PortholeError } from '../../../native-host/src/errors';
import { silentLogger } from '../../../native-host/src/log';
import { encodeJsonFrame, FrameDecoder } from '../../../native-host/src/native/framing';
import { runSession } from '../../../native-host/src/native/session';
import { ShareManager, type ShareRuntime } from '../../../native-host/src/share/share-manager';
import type { AppliedSettings } from '../../../native-host/src/share/share-transitions';
import type { NativePort } from '../native-port';
import {
  type ExtensionToHost,
  type HelloResult,
  HOST_FEATURES,
  HOST_NAME,
  type HostError,
  type HostToExtension,
  OLDEST_PROTOCOL,
  PROTOCOL_VERSION,
  type Share,
  type ShareTraffic,
} from '../protocol';

/**
 * The real host logic behind an in-memory native port: each connection starts what the browser
 * starts, one host process, here the host's own `runSession` over its own framing and a real
 * `ShareManager`. Only the tunnel is scripted: the test says when a share gets its address, goes
 * live, fails or sees visitors, as cloudflared and the gateway would report it. A change to the
 * contract or to the host's rules therefore breaks these tests, not the extension in the field.
 */

/** Stands in for one share's gateway and cloudflared. */
export class ScriptedRuntime extends EventEmitter implements ShareRuntime {
  readonly configured: AppliedSettings[] = [];
  constructor(readonly settings: AppliedSettings) {
    super();
  }
  configure(settings: AppliedSettings): void {
    this.configured.push(settings);
  }
  /** Like cloudflared after SIGTERM: it ends, and reports how; the manager knows it asked. */
  stop(): Promise<void> {
    queueMicrotask(() => this.emit('exit', { code: 'tunnel-exited', message: 'cloudflared was ended by SIGTERM.' } satisfies HostError));
    return Promise.resolve();
  }
  killNow(): void {
    void this.stop();
  }
}

/** One host process: a session on stdin/stdout, its manager, the runtimes of its shares. */
class HostProcess {
  readonly input = new PassThrough();
  readonly output = new PassThrough();
  readonly manager: ShareManager;
  readonly runtimes = new Map<string, ScriptedRuntime>();
  readonly ended: Promise<void>;

  constructor(host: ScriptedHost) {
    let created: ScriptedRuntime | null = null;
    this.manager = new ShareManager({
      startShare: (_origin, settings) => {
        if (host.refuseShares) throw new PortholeError(host.refuseShares.code, host.refuseShares.message, host.refuseShares.detail);
        created = new ScriptedRuntime(settings);
        return created;
      },
      // Ids stay unique across host processes, as the real host's random ones are.
      newId: () => {
        const id = `s${host.nextShareNumber++}`;
        if (created !== null) this.runtimes.set(id, created);
        created = null;
        return id;
      },
      now: () => host.now,
      setTimer: (ms, task) => host.clock.set(host.now + ms, task),
    });
    this.ended = runSession({
      input: this.input,
      output: this.output,
      manager: this.manager,
      log: silentLogger,
      hello: async () => host.hello,
    });
  }
}

/** The browser's end of the pipe to one host process. */
export class ScriptedPort implements NativePort {
  readonly sent: ExtensionToHost[] = [];
  closedByUs = false;
  closedByBrowser = false;
  private readonly messageListeners: Array<(message: HostToExtension) => void> = [];
  private readonly disconnectListeners: Array<(reason: string) => void> = [];

  constructor(
    readonly hostProcess: HostProcess | null,
    private readonly answering: () => boolean,
  ) {
    if (hostProcess === null) return;
    const decoder = new FrameDecoder();
    hostProcess.output.on('data', (chunk: Buffer) => {
      for (const item of decoder.push(chunk)) {
        if (item.kind === 'frame') this.deliver(JSON.parse(item.body.toString('utf8')) as HostToExtension);
      }
    });
  }

  postMessage(message: ExtensionToHost): void {
    if (this.closedByUs || this.closedByBrowser) throw new Error('Attempting to use a disconnected port object');
    this.sent.push(message);
    if (this.answering()) this.hostProcess?.input.write(encodeJsonFrame(message));
  }
  /** As the browser does: the host's stdin closes, and it stops every share. */
  disconnect(): void {
    this.closedByUs = true;
    this.hostProcess?.input.end();
  }
  onMessage(listener: (message: HostToExtension) => void): void {
    this.messageListeners.push(listener);
  }
  onDisconnect(listener: (reason: string) => void): void {
    this.disconnectListeners.push(listener);
  }
  /** The browser closes the port: the host exited, or was never found. */
  close(reason: string): void {
    if (this.closedByUs || this.closedByBrowser) return;
    this.closedByBrowser = true;
    this.hostProcess?.input.end();
    for (const listener of this.disconnectListeners) listener(reason);
  }

  private deliver(message: HostToExtension): void {
    if (this.closedByUs || this.closedByBrowser) return;
    for (const listener of this.messageListeners) listener(message);
  }
}

/** Timers the manager sets (share expiry), fired by the test. */
class ScriptedClock {
  private timers: Array<{ at: number; task: () => void }> = [];
  set(at: number, task: () => void): () => void {
    const timer = { at, task };
    this.timers.push(timer);
    return () => (this.timers = this.timers.filter((t) => t !== timer));
  }
  /** Runs every timer due at `at` or before. */
  runUntil(at: number): void {
    const due = this.timers.filter((timer) => timer.at <= at);
    this.timers = this.timers.filter((timer) => timer.at > at);
    for (const timer of due) timer.task();
  }
}

export const TEST_HELLO: HelloResult = {
  type: 'hello',
  name: HOST_NAME,
  version: '0.0.0-test',
  protocol: PROTOCOL_VERSION,
  oldestProtocol: OLDEST_PROTOCOL,
  platform: 'linux',
  arch: 'x64',
  cloudflared: { path: '/usr/bin/cloudflared', source: 'path', version: '2024.1.0' },
  cloudflaredError: null,
  features: [...HOST_FEATURES],
};

export class ScriptedHost {
  readonly ports: ScriptedPort[] = [];
  /** When set, the browser closes every new port with this reason, as it does for a host it cannot find. */
  missing: string | null = null;
  /** When set, starting a share throws this, as the host does without cloudflared. */
  refuseShares: HostError | null = null;
  /** When false, the host reads nothing (to test timeouts). */
  answering = true;
  hello: HelloResult = TEST_HELLO;
  now = 1_000_000;
  nextShareNumber = 1;
  readonly clock = new ScriptedClock();

  connect = (): NativePort => {
    const port = new ScriptedPort(this.missing === null ? new HostProcess(this) : null, () => this.answering);
    this.ports.push(port);
    if (this.missing !== null) {
      const reason = this.missing;
      queueMicrotask(() => port.close(reason));
    }
    return port;
  };

  get port(): ScriptedPort {
    const port = this.ports.at(-1);
    if (!port) throw new Error('No port was opened');
    return port;
  }

  /** The running host process's shares, as its manager has them. */
  shares(): Share[] {
    return this.port.hostProcess?.manager.list() ?? [];
  }

  requests(type?: ExtensionToHost['type']): ExtensionToHost[] {
    return this.ports.flatMap((port) => port.sent).filter((message) => type === undefined || message.type === type);
  }

  runtime(shareId: string): ScriptedRuntime {
    const runtime = this.ports.map((port) => port.hostProcess?.runtimes.get(shareId)).find((found) => found !== undefined);
    if (!runtime) throw new Error(`no share ${shareId}`);
    return runtime;
  }

  giveUrl(shareId: string, url = `https://${shareId}-quick-tunnel.trycloudflare.com`): void {
    this.runtime(shareId).emit('url', url);
  }
  goLive(shareId: string, verified = true): void {
    this.runtime(shareId).emit('live', verified);
  }
  /** cloudflared ends on its own, for this reason. */
  fail(shareId: string, error: HostError): void {
    this.runtime(shareId).emit('exit', error);
  }
  traffic(shareId: string, traffic: ShareTraffic): void {
    this.runtime(shareId).emit('traffic', traffic);
  }
  originDown(shareId: string): void {
    this.runtime(shareId).emit('origin', false);
  }
  originBack(shareId: string): void {
    this.runtime(shareId).emit('origin', true);
  }
  /** Time passes to the share's expiry: the host stops it by itself. */
  expire(shareId: string): void {
    const share = this.shares().find((candidate) => candidate.id === shareId);
    if (share?.expiresAt == null) throw new Error(`share ${shareId} has no expiry`);
    this.now = share.expiresAt;
    this.clock.runUntil(share.expiresAt);
  }
}

/** Lets the host and the extension exchange what is in flight: frames, promise chains, stream ticks. */
export async function settle(): Promise<void> {
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 10; i++) await Promise.resolve();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}
