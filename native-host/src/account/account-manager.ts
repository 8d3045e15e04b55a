/**
 * The connected Cloudflare account and everything Porthole runs for it (issue 14): the login, the
 * one named tunnel per computer, its DNS routes, the Host router every stable share sits behind,
 * and token mode. Account commands run one at a time (a queue), so two shares started together
 * create one tunnel, not two.
 */

import { EventEmitter } from 'node:events';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { hostname as computerHostname } from 'node:os';
import { join } from 'node:path';
import { hostError, PortholeError, toHostError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Platform } from '../platform/index.js';
import type { AccountEvent, AccountStatus, HostError, Share } from '../protocol/index.js';
import { writePrivateFile } from '../state-dir.js';
import {
  type AccountFiles,
  type AccountRecord,
  accountFiles,
  readAccountRecord,
  tunnelConfig,
  writeAccountRecord,
} from './account-record.js';
import { type OriginCert, parseOriginCert, parseTunnelToken } from './cert.js';
import { ApiError, CloudflareApi, DEFAULT_API_URL } from './cloudflare-api.js';
import { HostRouter } from './host-router.js';
import { LoginProcess } from './login-process.js';
import {
  classifyFailure,
  hasActiveConnections,
  isAlreadyGone,
  isNameTaken,
  lastLine,
  parseCreatedTunnel,
  parseRouteResult,
} from './named-output.js';
import { type NamedTunnelLaunch, NamedTunnelProcess } from './named-tunnel.js';
import { defaultLabel, hostnameFor, isHostname, normaliseLabel, tunnelNameFor, zoneOf } from './names.js';
import { isolatedEnv, runCommand } from './run-command.js';

export interface AccountDeps {
  env: NodeJS.ProcessEnv;
  stateDir: string;
  /** False when the state folder was refused (state-dir.ts): nothing secret may be kept then. */
  stateUsable: boolean;
  platform: Platform;
  log: Logger;
  /** The cloudflared to run; throws `cloudflared-missing`. */
  binary(): string;
  /** A person at a terminal: let cloudflared open the login page in their browser. The extension opens it itself. */
  openBrowser?: boolean;
  /** Crash records for the long-running cloudflared (running-record.ts), so a later host can stop an orphan. */
  track?(pid: number, argv: string[], printed: Promise<void>): void;
  untrack?(pid: number): void;
}

/** What a share on a stable address will be: its name, and its hostname when the zone is known. */
export interface StablePlan {
  key: string;
  label: string;
  hostname: string | null;
}

/**
 * What the session and dispatch need of the account: AccountManager is the real one; the
 * extension's tests can pass a scripted one.
 */
export interface AccountService {
  status(): AccountStatus;
  connect(): Promise<AccountStatus>;
  connectToken(token: string, hostname: string): Promise<AccountStatus>;
  disconnect(stopStableShares: () => Promise<Share[]>): Promise<{ account: AccountStatus; stopped: Share[] }>;
  shutdown(): Promise<void>;
  on(event: 'event', listener: (event: AccountEvent) => void): unknown;
  off(event: 'event', listener: (event: AccountEvent) => void): unknown;
}

interface AccountEvents {
  event: [AccountEvent];
  /** The named tunnel gave up (it kept ending on its own): every stable share ends with this. */
  'tunnel-failed': [failure: HostError];
  'tunnel-registered': [];
}

const RESTART_DELAYS_MS = [1000, 3000, 9000];

export class AccountManager extends EventEmitter<AccountEvents> implements AccountService {
  readonly files: AccountFiles;
  private record: AccountRecord | null;
  private login: LoginProcess | null = null;
  private lastError: HostError | null = null;
  private router: HostRouter;
  private tunnel: NamedTunnelProcess | null = null;
  private tunnelRestarts: number[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private closing = false;

  constructor(private readonly deps: AccountDeps) {
    super();
    this.files = accountFiles(deps.stateDir);
    this.record = deps.stateUsable ? readAccountRecord(this.files.record) : null;
    this.router = new HostRouter(deps.log);
  }

  // ── status ────────────────────────────────────────────────────────────────

  status(): AccountStatus {
    const record = this.connectedRecord();
    const token = record?.mode === 'token' ? record.token : null;
    return {
      state: this.login !== null ? 'connecting' : record !== null ? 'connected' : 'disconnected',
      mode: record?.mode ?? null,
      zone: record?.zone ?? null,
      loginUrl: this.login?.url ?? null,
      tunnel: record?.tunnel ?? null,
      tokenHostname: token?.hostname ?? null,
      tokenService: token === null ? null : `http://127.0.0.1:${token.port}`,
      hostnames: [...(record?.hostnames ?? [])],
      error: this.lastError,
    };
  }

  /** The record, when what it needs is still on disk (a removed cert.pem means logged out). */
  private connectedRecord(): AccountRecord | null {
    const record = this.record;
    if (record === null) return null;
    if (record.mode === 'cert' && !existsSync(this.files.cert)) return null;
    if (record.mode === 'token' && !existsSync(this.files.token)) return null;
    return record;
  }

  private announce(): void {
    this.emit('event', { type: 'account-event', account: this.status() });
  }

  private ensureDir(): void {
    if (!this.deps.stateUsable) {
      throw new PortholeError(
        'account-error',
        "Porthole's state folder cannot be used (see the host log), so it has nowhere safe to keep your Cloudflare certificate. Fix the folder, then connect again.",
      );
    }
    const verdict = this.deps.platform.ensurePrivateDir(this.files.dir, { tighten: true });
    if (!verdict.ok) throw new PortholeError('account-error', `Porthole could not use its folder ${this.files.dir}.`, verdict.detail);
  }

  private saveRecord(record: AccountRecord | null): void {
    this.record = record;
    if (record === null) rmSync(this.files.record, { force: true });
    else writeAccountRecord(this.files.record, record);
  }

  private readCert(): OriginCert {
    let text: string;
    try {
      text = readFileSync(this.files.cert, 'utf8');
    } catch {
      throw new PortholeError('not-logged-in');
    }
    const cert = parseOriginCert(text);
    if (cert === null)
      throw new PortholeError('certificate-invalid', undefined, `${this.files.cert} is not a certificate cloudflared can use`);
    return cert;
  }

  private get registerTimeoutMs(): number {
    const value = Number(this.deps.env.PORTHOLE_NAMED_REGISTER_TIMEOUT_MS);
    return Number.isFinite(value) && value > 0 ? value : 60_000;
  }

  private get apiUrl(): string {
    return this.deps.env.PORTHOLE_CLOUDFLARE_API_URL || DEFAULT_API_URL;
  }

  /** `--api-url` is a hidden flag of every cloudflared since 2023.7; passed only when a stand-in is set (tests). */
  private accountArgs(): string[] {
    const api = this.deps.env.PORTHOLE_CLOUDFLARE_API_URL;
    return ['tunnel', ...(api ? ['--api-url', api] : []), '--origincert', this.files.cert];
  }

  private commandEnv(): NodeJS.ProcessEnv {
    return isolatedEnv(this.deps.env);
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  // ── connect (cert) ──────────────────────────────────────────────────────────

  /** Starts `cloudflared tunnel login`; resolves once it printed the page to open (state `connecting`). */
  connect(): Promise<AccountStatus> {
    if (this.connectedRecord() !== null) return Promise.resolve(this.status());
    if (this.login !== null) return Promise.resolve(this.status());
    this.ensureDir();
    const login = new LoginProcess({
      binary: this.deps.binary(),
      home: this.files.loginHome,
      env: this.deps.env,
      log: this.deps.log,
      openBrowser: this.deps.openBrowser === true,
    });
    this.login = login;
    this.lastError = null;
    return new Promise<AccountStatus>((resolve, reject) => {
      let answered = false;
      login.once('url', () => {
        answered = true;
        resolve(this.status());
      });
      login.once('end', (end) => {
        // Cancelled by disconnect: the status says it, without an error nobody needs to read.
        const cancelled = this.login !== login;
        void this.loginEnded(end.code, end.output, end.certPath).then((failure) => {
          if (this.login === login) this.login = null;
          if (cancelled) {
            if (answered) this.announce();
            else reject(new PortholeError('account-error', 'The Cloudflare login was cancelled.'));
            return;
          }
          const error =
            end.timedOut === 'login'
              ? hostError(
                  'account-error',
                  'The Cloudflare login was not finished within 10 minutes. Connect again when you are ready to pick your domain.',
                )
              : end.timedOut === 'url'
                ? hostError('account-error', 'cloudflared did not print the Cloudflare login page. Try again; see the host log.')
                : failure;
          this.lastError = error;
          if (answered) this.announce();
          else {
            const reason = error ?? hostError('account-error', undefined, lastLine(end.output));
            reject(new PortholeError(reason.code, reason.message, reason.detail));
          }
        });
      });
    });
  }

  /** The cert cloudflared wrote into the login HOME becomes Porthole's; null when all went well. */
  private async loginEnded(code: number | null, output: string, written: string): Promise<HostError | null> {
    if (code !== 0 || !existsSync(written)) {
      rmSync(this.files.loginHome, { recursive: true, force: true });
      return hostError(
        'account-error',
        'The Cloudflare login did not finish, so no account is connected. Connect again and pick your domain on the page that opens.',
        lastLine(output),
      );
    }
    const text = readFileSync(written, 'utf8');
    rmSync(this.files.loginHome, { recursive: true, force: true });
    const cert = parseOriginCert(text);
    if (cert === null) return hostError('certificate-invalid', undefined, 'the certificate the login wrote could not be read');
    writePrivateFile(this.files.cert, text);
    let zone: string | null = null;
    try {
      zone = await new CloudflareApi(cert, this.apiUrl).zoneName();
    } catch (error) {
      // The first stable share learns it from the route cloudflared adds.
      this.deps.log.warn(`could not read the connected zone's name: ${(error as Error).message}`);
    }
    const names = this.record?.names ?? this.rememberedNames();
    this.saveRecord({ mode: 'cert', zone, tunnel: null, hostnames: [], names, token: null });
    this.lastError = null;
    this.deps.log.info(`Cloudflare account connected${zone === null ? '' : ` (zone ${zone})`}`);
    return null;
  }

  /** Names kept from a disconnected account (names.json), so that connecting again gives the same addresses. */
  private rememberedNames(): Record<string, string> {
    try {
      const parsed: unknown = JSON.parse(readFileSync(join(this.files.dir, 'names.json'), 'utf8'));
      return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, string>) : {};
    } catch {
      return {};
    }
  }

  // ── connect (token) ─────────────────────────────────────────────────────────

  async connectToken(token: string, hostname: string): Promise<AccountStatus> {
    const name = hostname.trim().toLowerCase();
    if (!isHostname(name)) throw new PortholeError('name-invalid', `"${hostname}" is not a hostname (like app.example.com).`);
    if (parseTunnelToken(token) === null) throw new PortholeError('token-invalid');
    const current = this.connectedRecord();
    if (current?.mode === 'cert') {
      throw new PortholeError(
        'bad-request',
        'A Cloudflare account is connected with a login already. Disconnect it first, then paste the token.',
      );
    }
    this.ensureDir();
    // The same port as before for the same tunnel: the dashboard already points at it.
    const port = current?.token?.port ?? (await freePort());
    writePrivateFile(this.files.token, token.trim());
    const zone = name.split('.').slice(1).join('.');
    this.saveRecord({
      mode: 'token',
      zone,
      tunnel: null,
      hostnames: [],
      names: current?.names ?? this.rememberedNames(),
      token: { hostname: name, port },
    });
    this.lastError = null;
    // A tunnel from an earlier token must not keep running with the old secret.
    if (this.tunnel !== null) await this.stopTunnel();
    this.deps.log.info(`tunnel token stored; hostname ${name}, local service http://127.0.0.1:${port}`);
    return this.status();
  }

  // ── stable shares ───────────────────────────────────────────────────────────

  /** Checks a stable share can be asked for now, and what its name and hostname will be. Throws coded errors. */
  plan(key: string, origin: string, name?: string): StablePlan {
    const record = this.connectedRecord();
    if (record === null) throw new PortholeError('not-logged-in');
    if (record.mode === 'token' && record.token !== null) {
      if (this.router.table.has(record.token.hostname)) {
        throw new PortholeError(
          'bad-request',
          `${record.token.hostname} is serving another share: a tunnel token gives one address. Stop that share first.`,
        );
      }
      return { key, label: record.token.hostname.split('.')[0] ?? '', hostname: record.token.hostname };
    }
    let label: string;
    if (name !== undefined) {
      const checked = normaliseLabel(name);
      if (checked === null)
        throw new PortholeError('name-invalid', `"${name}" cannot be a stable name. ${hostError('name-invalid').message}`);
      label = checked;
    } else {
      label = record.names[key] ?? defaultLabel(origin, key);
    }
    const hostname = record.zone === null ? null : hostnameFor(label, record.zone);
    if (hostname !== null && this.router.table.has(hostname)) {
      throw new PortholeError('bad-request', `${hostname} is already the address of another share. Pick another name.`);
    }
    return { key, label, hostname };
  }

  /** Makes `plan` reach `gatewayPort`: the tunnel exists and runs, the DNS route exists, the router knows the name. */
  attach(plan: StablePlan, gatewayPort: number): Promise<string> {
    return this.serial(async () => {
      const record = this.connectedRecord();
      if (record === null) throw new PortholeError('not-logged-in');
      const before = JSON.stringify([record.tunnel, record.hostnames]);
      const hostname = record.mode === 'token' ? await this.attachToken(record) : await this.attachCert(record, plan);
      if (this.router.table.has(hostname)) {
        throw new PortholeError('bad-request', `${hostname} is already the address of another share. Pick another name.`);
      }
      this.router.add(hostname, { host: '127.0.0.1', port: gatewayPort });
      // The options page shows the tunnel and the names Porthole routed: tell it when they change.
      if (this.record !== null && JSON.stringify([this.record.tunnel, this.record.hostnames]) !== before) this.announce();
      if (record.mode === 'cert' && this.record !== null) {
        this.saveRecord({ ...this.record, names: { ...this.record.names, [plan.key]: plan.label } });
      }
      this.deps.log.info(`router: ${hostname} → 127.0.0.1:${gatewayPort}`);
      return hostname;
    });
  }

  /** The share stopped: its name leaves the router. The DNS route stays, so the address works again tomorrow. */
  detach(hostname: string, gatewayPort: number): void {
    this.router.remove(hostname, { host: '127.0.0.1', port: gatewayPort });
    this.deps.log.info(`router: ${hostname} removed`);
  }

  get tunnelRegistered(): boolean {
    return this.tunnel?.isRegistered === true;
  }

  private async attachCert(record: AccountRecord, plan: StablePlan): Promise<string> {
    const cert = this.readCert();
    const tunnel = await this.ensureTunnel(record);
    const wanted = plan.hostname ?? (record.zone === null ? plan.label : hostnameFor(plan.label, record.zone));
    const routed = await this.route(tunnel.id, wanted, cert);
    await this.ensureRunning({ kind: 'config', configPath: this.files.config, tunnelId: tunnel.id });
    return routed;
  }

  private async attachToken(record: AccountRecord): Promise<string> {
    if (record.token === null) throw new PortholeError('not-logged-in');
    let token: string;
    try {
      token = readFileSync(this.files.token, 'utf8').trim();
    } catch {
      throw new PortholeError('not-logged-in');
    }
    if (!this.router.listening) {
      try {
        await this.router.listen(record.token.port);
      } catch (error) {
        throw new PortholeError(
          'account-error',
          `Another program uses http://127.0.0.1:${record.token.port}, the local address your tunnel's dashboard points at. Stop it, or connect the token again and enter the new address in the dashboard.`,
          (error as Error).message,
        );
      }
    }
    await this.ensureRunning({ kind: 'token', token });
    return record.token.hostname;
  }

  /** `tunnel create` once per computer; the id comes from its stdout (create-ok). */
  private async ensureTunnel(record: AccountRecord): Promise<{ id: string; name: string }> {
    if (record.tunnel !== null && existsSync(this.files.credentials)) return record.tunnel;
    // A credentials file without a record is a leftover: create refuses to overwrite one.
    rmSync(this.files.credentials, { force: true });
    const base = tunnelNameFor(computerHostname());
    for (const name of [base, `${base}-${Math.random().toString(16).slice(2, 6)}`]) {
      const result = await runCommand(
        this.deps.binary(),
        [...this.accountArgs(), 'create', '--credentials-file', this.files.credentials, name],
        this.commandEnv(),
      );
      this.logCommand('create', result.stdout + result.stderr);
      const created = result.code === 0 ? parseCreatedTunnel(result.stdout) : null;
      if (created !== null) {
        const tunnel = { id: created.id, name: created.name };
        this.saveRecord({ ...record, ...this.record, tunnel });
        this.deps.log.info(`created tunnel ${tunnel.name} (${tunnel.id})`);
        return tunnel;
      }
      if (result.code === 0 || !isNameTaken(result.stderr)) {
        throw failureOf(
          result.code === 0 ? 'created tunnel  with id 00000000-0000-0000-0000-000000000000' : result.stderr,
          "create Porthole's tunnel",
        );
      }
      // A tunnel of that name exists (another computer with the same name, or a lost record): pick another name.
    }
    throw new PortholeError('account-error', 'Cloudflare refused every name Porthole tried for its tunnel.');
  }

  /** `tunnel route dns`: a record Porthole did not create is never overwritten (code 1003 → dns-record-foreign). */
  private async route(tunnelId: string, hostname: string, cert: OriginCert): Promise<string> {
    void cert;
    const binary = this.deps.binary();
    let result = await runCommand(binary, [...this.accountArgs(), 'route', 'dns', tunnelId, hostname], this.commandEnv());
    this.logCommand('route dns', result.stderr);
    const ours = this.record?.hostnames.includes(hostname.toLowerCase()) === true;
    if (result.code !== 0 && /\bcode: 1003\b/.test(result.stderr) && ours) {
      // Porthole made this record for an earlier tunnel of its own: pointing it at this one is safe.
      result = await runCommand(binary, [...this.accountArgs(), 'route', 'dns', '--overwrite-dns', tunnelId, hostname], this.commandEnv());
      this.logCommand('route dns --overwrite-dns', result.stderr);
    }
    const routed = result.code === 0 ? parseRouteResult(result.stderr) : null;
    if (routed === null) {
      const error = failureOf(result.stderr, `route ${hostname}`);
      if (error.hostError.code === 'dns-record-foreign') {
        throw new PortholeError(
          'dns-record-foreign',
          `A DNS record for ${hostname} already exists and Porthole did not create it, so it was left alone. Pick another name, or remove that record in Cloudflare first.`,
          error.hostError.detail,
        );
      }
      throw error;
    }
    const record = this.record;
    if (record !== null) {
      const zone = record.zone ?? zoneOf(routed.hostname, hostname);
      const hostnames = record.hostnames.includes(routed.hostname) ? record.hostnames : [...record.hostnames, routed.hostname];
      this.saveRecord({ ...record, zone, hostnames });
    }
    // route-dns-outside-zone: the API appends the cert's zone to a name outside it.
    if (routed.hostname !== hostname.toLowerCase() && hostname.includes('.')) {
      throw new PortholeError(
        'zone-not-allowed',
        `${hostname} is not on the domain your Cloudflare account connected; Cloudflare made ${routed.hostname} instead. Pick a name under the connected domain.`,
      );
    }
    return routed.hostname;
  }

  private async ensureRunning(launch: NamedTunnelLaunch): Promise<void> {
    if (this.tunnel?.isRunning === true) return;
    this.claimTunnel();
    if (launch.kind === 'config') {
      if (!this.router.listening) await this.router.listen(0);
      const tunnelId = launch.tunnelId;
      writePrivateFile(this.files.config, tunnelConfig(tunnelId, this.files.credentials, this.router.url));
    }
    this.startTunnel(launch);
  }

  private startTunnel(launch: NamedTunnelLaunch): void {
    const binary = this.deps.binary();
    // The same grace as quick tunnels: the host stops what it started within a second of the browser leaving.
    const grace = Number(this.deps.env.PORTHOLE_STOP_GRACE_MS);
    const tunnel = new NamedTunnelProcess(
      binary,
      launch,
      this.deps.env,
      this.deps.platform,
      Number.isFinite(grace) && grace > 0 ? grace : 500,
    );
    this.tunnel = tunnel;
    const pid = tunnel.pid;
    this.deps.log.info(`started ${binary} ${tunnel.args.join(' ')} (pid ${pid ?? 'none'})`);
    if (pid !== undefined) this.deps.track?.(pid, [binary, ...tunnel.args], new Promise((resolve) => tunnel.once('line', () => resolve())));
    tunnel.on('line', (line) => this.deps.log.info(`cloudflared[${pid}] ${line}`));
    tunnel.on('registered', () => this.emit('tunnel-registered'));
    // A tunnel that never connects would leave its shares `starting` for ever: after a while they
    // fail with cloudflared's reason (the edge cannot be reached, or it refuses the token's tunnel).
    const registerTimeout = setTimeout(() => {
      if (this.tunnel !== tunnel || tunnel.isRegistered || !tunnel.isRunning) return;
      const problem = tunnel.problem;
      const failure =
        launch.kind === 'token' && problem?.refused === true
          ? hostError('token-invalid', undefined, problem.text)
          : hostError(
              'edge-unreachable',
              "cloudflared could not connect your tunnel to Cloudflare's network. Check that outbound connections on port 7844 (UDP and TCP) are allowed, then share again.",
              problem?.text,
            );
      this.deps.log.warn(`cloudflared[${pid}] did not connect in time: ${failure.code}`);
      this.emit('tunnel-failed', failure);
      void this.stopTunnel();
    }, this.registerTimeoutMs);
    registerTimeout.unref();
    tunnel.once('exit', () => clearTimeout(registerTimeout));
    tunnel.on('exit', (exit) => {
      if (pid !== undefined) this.deps.untrack?.(pid);
      this.deps.log.info(`cloudflared[${pid}] ended (code ${exit.code}, signal ${exit.signal})`);
      if (this.tunnel !== tunnel || this.closing) return;
      this.tunnel = null;
      if (this.router.table.size === 0) return;
      // Ended on its own while shares use it: start it again, a few times, then give up on them.
      const now = Date.now();
      this.tunnelRestarts = this.tunnelRestarts.filter((at) => now - at < 5 * 60_000);
      const delay = RESTART_DELAYS_MS[this.tunnelRestarts.length];
      const failure =
        exit.code === 255 || /Provided Tunnel token is not valid/.test(exit.lastLine)
          ? hostError('token-invalid', undefined, exit.lastLine)
          : hostError('tunnel-exited', 'cloudflared stopped serving your stable addresses. Share again.', exit.lastLine);
      if (delay === undefined || failure.code === 'token-invalid') {
        this.emit('tunnel-failed', failure);
        return;
      }
      this.tunnelRestarts.push(now);
      setTimeout(() => {
        if (!this.closing && this.tunnel === null && this.router.table.size > 0) this.startTunnel(launch);
      }, delay).unref();
    });
  }

  private async stopTunnel(): Promise<void> {
    const tunnel = this.tunnel;
    this.tunnel = null;
    await tunnel?.stop();
    this.releaseTunnel();
  }

  private get lockFile(): string {
    return join(this.files.dir, 'tunnel.pid');
  }

  /**
   * One host at a time runs the account's tunnel: two would be two connectors of one tunnel, and
   * Cloudflare would send each visitor to either, so half of them would reach a router that does
   * not know their share. A second host (a second browser, the CLI) is refused with a sentence.
   */
  private claimTunnel(): void {
    let other = Number.NaN;
    try {
      other = Number(readFileSync(this.lockFile, 'utf8').trim());
    } catch {
      // No lock: nobody runs it.
    }
    if (Number.isSafeInteger(other) && other > 1 && other !== process.pid && isAlive(other)) {
      throw new PortholeError(
        'account-error',
        `Another Porthole (process ${other}) serves this computer's stable addresses. Stop its stable shares, or close that browser or terminal, then share again.`,
      );
    }
    writePrivateFile(this.lockFile, `${process.pid}\n`);
  }

  private releaseTunnel(): void {
    try {
      if (Number(readFileSync(this.lockFile, 'utf8').trim()) === process.pid) rmSync(this.lockFile, { force: true });
    } catch {
      // Already gone.
    }
  }

  // ── disconnect ──────────────────────────────────────────────────────────────

  /**
   * Stops the stable shares and the tunnel, then removes what Porthole created in the account (its
   * DNS records, only those, and its tunnel) and the certificate or token. When the account cannot
   * be reached, nothing local is removed either, so that disconnecting again can finish the job.
   */
  disconnect(stopStableShares: () => Promise<Share[]>): Promise<{ account: AccountStatus; stopped: Share[] }> {
    return this.serial(async () => {
      if (this.login !== null) {
        this.login.kill();
        this.login = null;
      }
      const stopped = await stopStableShares();
      await this.stopTunnel();
      const record = this.record;
      if (record?.mode === 'cert' && existsSync(this.files.cert)) {
        try {
          await this.removeFromAccount(record);
        } catch (error) {
          const failure = toHostError(error);
          if (failure.code !== 'certificate-invalid') {
            this.lastError = failure;
            throw error;
          }
          // A revoked cert can remove nothing: say what is left, then forget it all the same.
          this.lastError = hostError(
            'certificate-invalid',
            `Cloudflare refused the certificate, so Porthole could not remove ${[...record.hostnames, record.tunnel?.name ?? ''].filter(Boolean).join(', ') || 'anything'} from your account; remove them in the Cloudflare dashboard.`,
            failure.detail,
          );
        }
      }
      for (const file of [this.files.cert, this.files.credentials, this.files.config, this.files.token]) rmSync(file, { force: true });
      const names = record?.names ?? {};
      this.saveRecord(null);
      // The names stay remembered (they are not secret), so connecting again gives the same addresses.
      if (Object.keys(names).length > 0 && this.deps.stateUsable) {
        writePrivateFile(join(this.files.dir, 'names.json'), `${JSON.stringify(names)}\n`);
      }
      this.router.close();
      this.router = new HostRouter(this.deps.log);
      this.deps.log.info('Cloudflare account disconnected');
      const account = this.status();
      if (this.lastError?.code !== 'certificate-invalid') this.lastError = null;
      return { account: { ...account, error: this.lastError }, stopped };
    });
  }

  private async removeFromAccount(record: AccountRecord): Promise<void> {
    const cert = this.readCert();
    const api = new CloudflareApi(cert, this.apiUrl);
    const target = record.tunnel === null ? null : `${record.tunnel.id}.cfargotunnel.com`;
    const removed: string[] = [];
    for (const hostname of record.hostnames) {
      try {
        const records = await api.dnsRecords(hostname);
        for (const dns of records) {
          // Only the CNAME that points at Porthole's tunnel: anything else there is not Porthole's.
          if (dns.type === 'CNAME' && target !== null && dns.content.toLowerCase() === target) await api.deleteDnsRecord(dns.id);
        }
        removed.push(hostname);
      } catch (error) {
        throw apiFailure(error, `remove the DNS record ${hostname}`);
      }
      this.saveRecord({ ...record, hostnames: record.hostnames.filter((name) => !removed.includes(name)) });
    }
    if (record.tunnel !== null) {
      // -f: connections the edge still lists for the tunnel just stopped are cleaned up first (delete-force).
      const result = await runCommand(this.deps.binary(), [...this.accountArgs(), 'delete', '-f', record.tunnel.id], this.commandEnv());
      this.logCommand('delete', result.stderr);
      if (result.code !== 0 && !isAlreadyGone(result.stderr)) {
        if (hasActiveConnections(result.stderr)) {
          throw new PortholeError(
            'account-error',
            'Cloudflare still sees the tunnel connected. Wait a minute, then disconnect again.',
            lastLine(result.stderr),
          );
        }
        throw failureOf(result.stderr, "delete Porthole's tunnel");
      }
    }
  }

  // ── host exit ───────────────────────────────────────────────────────────────

  async shutdown(): Promise<void> {
    this.closing = true;
    this.login?.kill();
    await this.stopTunnel();
    this.router.close();
  }

  killNow(): void {
    this.closing = true;
    this.login?.kill();
    this.tunnel?.killNow();
    if (this.tunnel !== null) this.releaseTunnel();
  }

  private logCommand(what: string, output: string): void {
    for (const line of output.split(/\r?\n/).filter((l) => l.trim() !== '')) this.deps.log.info(`cloudflared ${what}: ${line}`);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function failureOf(stderr: string, what: string): PortholeError {
  const error = classifyFailure(stderr, what);
  return new PortholeError(error.code, error.message, error.detail);
}

function apiFailure(error: unknown, what: string): PortholeError {
  if (error instanceof ApiError && error.authentication) return new PortholeError('certificate-invalid', undefined, error.message);
  return new PortholeError(
    'account-error',
    `Porthole could not ${what} in your Cloudflare account. Check your internet connection and try again.`,
    (error as Error).message,
  );
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
