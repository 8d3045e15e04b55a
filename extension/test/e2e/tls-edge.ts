/**
 * Cloudflare's edge for one tunnel, as a browser meets it: TLS on Cloudflare's HTTPS ports only (443,
 * 2053, 2083, 2087, 2096, 8443), at 127.0.0.2, each connection carried to the fake cloudflared's edge.
 * A browser reaches it with `--host-resolver-rules=MAP <public name> 127.0.0.2`.
 */
import { connect, type Server as NetServer } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { generate } from 'selfsigned';
import { splitHostPort } from '../../../native-host/test/fake-cloudflared/state.js';

export const EDGE_ADDRESS = '127.0.0.2';
const CLOUDFLARE_TLS_PORTS = [443, 2053, 2083, 2087, 2096, 8443];

/** Cloudflare's edge for one tunnel: TLS on its ports, each connection carried to the fake cloudflared's edge. */
export async function tlsEdge(edge: string, cleanups: (() => unknown)[]): Promise<void> {
  const pems = await generate([{ name: 'commonName', value: 'trycloudflare.com' }], {
    keyType: 'ec',
    curve: 'P-256',
    notAfterDate: new Date(Date.now() + 86_400_000),
  });
  const [host, port] = splitHostPort(edge);
  for (const tlsPort of CLOUDFLARE_TLS_PORTS) {
    const server: TlsServer = createTlsServer({ key: pems.private, cert: pems.cert }, (visitor) => {
      const upstream = connect(port, host);
      visitor.pipe(upstream).pipe(visitor);
      visitor.on('error', () => upstream.destroy());
      upstream.on('error', () => visitor.destroy());
    });
    await new Promise<void>((resolve) => server.listen(tlsPort, EDGE_ADDRESS, resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    cleanups.push(() => (server as unknown as NetServer).unref());
  }
}
