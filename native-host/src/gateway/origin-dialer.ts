/**
 * Dials the origin on whichever loopback address accepts (see origin-address.ts for why). The
 * lookup hands Node every candidate, the one that worked last first, and Node's happy eyeballs
 * (`autoSelectFamily`) tries them in turn: a refused connection on loopback fails at once, so the
 * wrong guess costs well under a millisecond, and only until the next success is remembered.
 */
import type { LookupFunction, Socket } from 'node:net';
import { connect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { dialCandidates } from './origin-address.js';

export class OriginDialer {
  private lastGood: string | null = null;

  constructor(
    private readonly hostname: string,
    private readonly port: number,
  ) {}

  /** For http(s).Agent and net.connect: resolves the origin's name to the loopback candidates. */
  readonly lookup: LookupFunction = (_hostname, options, callback) => {
    const candidates = dialCandidates(this.hostname, this.lastGood);
    if (options.all === true) {
      (callback as (error: null, addresses: { address: string; family: number }[]) => void)(null, candidates);
      return;
    }
    const [best] = candidates;
    if (best === undefined) callback(Object.assign(new Error(`no address for ${this.hostname}`), { code: 'ENOTFOUND' }), '', 0);
    else callback(null, best.address, best.family);
  };

  /** Options every connection to the origin needs, for agents and for reachability checks. */
  get connectOptions(): { lookup: LookupFunction; autoSelectFamily: true; noDelay: true } {
    return { lookup: this.lookup, autoSelectFamily: true, noDelay: true };
  }

  /**
   * A new connection to the origin for relaying. Local https dev servers use self-signed
   * certificates: the gateway is their only client here, so the certificate is not checked.
   */
  dial(tls: boolean): Socket {
    const host = this.hostname.replace(/^\[|\]$/g, '');
    if (!tls) return connect({ host, port: this.port, ...this.connectOptions });
    return tlsConnect({ host, port: this.port, ...this.connectOptions, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] });
  }

  /** Called with the address a connection reached; the next connection tries it first. */
  remember(address: string | undefined): void {
    if (address !== undefined && address !== '') this.lastGood = address.replace(/^::ffff:/, '');
  }

  /** Whether anything accepts TCP connections at the origin now (TLS or not, it is listening). */
  isListening(timeoutMs = 2000): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = connect({ host: this.hostname.replace(/^\[|\]$/g, ''), port: this.port, ...this.connectOptions, timeout: timeoutMs });
      const done = (listening: boolean): void => {
        socket.destroy();
        resolve(listening);
      };
      socket.once('connect', () => {
        this.remember(socket.remoteAddress);
        done(true);
      });
      socket.once('error', () => done(false));
      socket.once('timeout', () => done(false));
    });
  }
}
