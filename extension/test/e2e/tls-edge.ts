/**
 * Cloudflare's edge for one tunnel, as a browser meets it: TLS on Cloudflare's HTTPS ports only (443,
 * 2053, 2083, 2087, 2096, 8443), at 127.0.0.2, each connection carried to the fake cloudflared's edge.
 * A browser reaches it with `--host-resolver-rules=MAP <public name> 127.0.0.2`.
 */
import { connect, type Server as NetServer } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { type Browser, chromium } from 'playwright-core';
import { generate } from 'selfsigned';
import type { OkReply } from '../../../native-host/src/protocol/index.js';
import { splitHostPort, waitForFakeState } from '../../../native-host/test/fake-cloudflared/state.js';
import { HostDriver } from '../../../native-host/test/host-driver.js';
import { CHROMIUM } from './chromium-harness.js';

export const EDGE_ADDRESS = '127.0.0.2';
const CLOUDFLARE_TLS_PORTS = [443, 2053, 2083, 2087, 2096, 8443];

/** Cloudflare's edge for one tunnel: TLS on its ports, each connection carried to the fake cloudflared's edge. */
export async function tlsEdge(edge: string, cleanups: (() => unknown)[], observe?: (visitorBytes: Buffer) => void): Promise<void> {
  const pems = await generate([{ name: 'commonName', value: 'trycloudflare.com' }], {
    keyType: 'ec',
    curve: 'P-256',
    notAfterDate: new Date(Date.now() + 86_400_000),
  });
  const [host, port] = splitHostPort(edge);
  for (const tlsPort of CLOUDFLARE_TLS_PORTS) {
    const server: TlsServer = createTlsServer({ key: pems.private, cert: pems.cert }, (visitor) => {
      const upstream = connect(port, host);
      if (observe !== undefined) visitor.on('data', observe);
      visitor.pipe(upstream).pipe(visitor);
      visitor.on('error', () => upstream.destroy());
      upstream.on('error', () => visitor.destroy());
    });
    await new Promise<void>((resolve) => server.listen(tlsPort, EDGE_ADDRESS, resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    cleanups.push(() => (server as unknown as NetServer).unref());
  }
}

/** What a visitor's browser is shown: a local server (its origin) or a folder (`share-folder`). */
export type VisitorTarget = string | { folder: string };

/**
 * Shares `target` through the built host and the fake cloudflared, puts the TLS edge in front of
 * it, and launches Chromium resolving the public name to that edge: a visitor's browser.
 */
export async function shareForBrowserVisitor(
  fakeCloudflared: string,
  target: VisitorTarget,
  cleanups: (() => unknown)[],
  /** Sees what the visitor's browser sends, decrypted, before it enters the tunnel. */
  observe?: (visitorBytes: Buffer) => void,
): Promise<{ publicUrl: string; browser: Browser; host: HostDriver; shareId: string }> {
  const host = new HostDriver({ fakeCloudflared, env: { PORTHOLE_READY_POLL_MS: '100' } });
  cleanups.push(() => host.dispose());
  const reply =
    typeof target === 'string'
      ? await host.request<Extract<OkReply, { type: 'share' }>>({ type: 'share', origin: target })
      : await host.request<Extract<OkReply, { type: 'share-folder' }>>({ type: 'share-folder', path: target.folder });
  if (!reply.ok) throw new Error(`the share was refused: ${JSON.stringify(reply)}`);
  const live = await host.waitForChange(reply.share.id, 'live', 20_000);
  const publicUrl = live.share.url!;
  const fake = await waitForFakeState(host.fakeDir, (s) => s.url === publicUrl && s.registered);
  await tlsEdge(fake.edge!, cleanups, observe);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', `--host-resolver-rules=MAP ${new URL(publicUrl).hostname} ${EDGE_ADDRESS}`, '--ignore-certificate-errors'],
  });
  cleanups.push(() => browser.close());
  return { publicUrl, browser, host, shareId: reply.share.id };
}
