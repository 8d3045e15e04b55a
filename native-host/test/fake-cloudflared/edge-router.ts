/**
 * Cloudflare's front door for fake tunnels: one address for every tunnel, routing by Host to the
 * stand-in edge of the fake cloudflared that serves that hostname (found in its state file). The
 * host's reachability probe is aimed here in tests (PORTHOLE_PROBE_ADDRESS), as in real life it is
 * aimed at whatever address the public name resolves to.
 */
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFakeStates, splitHostPort } from './state';

export class EdgeRouter {
  private readonly dirs = new Set<string>();
  /** Requests routed to a tunnel, by hostname: tests read it to see the probe came through. */
  readonly routed: { hostname: string; path: string }[] = [];

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<EdgeRouter> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const router = new EdgeRouter(server, (server.address() as AddressInfo).port);
    server.on('request', (req, res) => void router.route(req, res));
    return router;
  }

  /** Where to look for fake cloudflared state files. */
  watch(stateDir: string): void {
    this.dirs.add(stateDir);
  }

  /** The host's environment that aims its probe here. */
  get probeEnv(): Record<string, string> {
    return { PORTHOLE_PROBE_ADDRESS: `127.0.0.1:${this.port}`, PORTHOLE_PROBE_PROTOCOL: 'http' };
  }

  close(): void {
    this.server.closeAllConnections();
    this.server.close();
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const hostname = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    let edge: string | null = null;
    let named: string | null = null;
    for (const dir of this.dirs) {
      const states = await readFakeStates(dir);
      const state = states.find((s) => s.hostname === hostname && s.edge !== null);
      if (state?.edge) edge = state.edge;
      // A named tunnel (issue 14) serves every hostname routed to it: its own edge asks the API
      // stand-in's DNS which ones, and answers the others as Cloudflare does.
      named ??= states.find((s) => s.mode === 'named' && s.edge !== null)?.edge ?? null;
    }
    edge ??= named;
    if (edge === null) {
      // What Cloudflare says for a trycloudflare.com name with no tunnel behind it.
      res.writeHead(530, { 'content-type': 'text/plain' }).end('error code: 1033');
      return;
    }
    this.routed.push({ hostname, path: req.url ?? '/' });
    const [host, port] = splitHostPort(edge);
    const upstream = request({ host, port, method: req.method, path: req.url, headers: req.headers, agent: false }, (response) => {
      res.writeHead(response.statusCode ?? 502, response.headers);
      response.pipe(res);
    });
    upstream.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
    req.pipe(upstream);
  }
}
