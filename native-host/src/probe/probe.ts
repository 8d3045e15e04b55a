/**
 * One check of a share's public address, end to end: resolve the name through a public resolver,
 * ask the address for the probe path over HTTPS, and expect the gateway's answer.
 *
 * Why not the system resolver: the name exists only seconds after cloudflared prints it, and a
 * lookup that comes too early leaves a cached "no such host" (negative caching, RFC 2308) in the
 * system's resolver, which the browser then uses for the length of the SOA's minimum TTL. Asking
 * Cloudflare's resolver directly leaves the user's own caches untouched.
 */
import { Resolver } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { ProbeConfig } from './probe-config.js';
import { isProbeAnswer, probePath } from './probe-token.js';

export type ProbeResult = { ok: true } | { ok: false; reason: string };

async function resolveName(hostname: string, config: ProbeConfig): Promise<string> {
  const resolver = new Resolver({ timeout: Math.min(2000, config.attemptTimeoutMs), tries: 1 });
  resolver.setServers(config.resolvers);
  try {
    const [address] = await resolver.resolve4(hostname);
    if (address !== undefined) return address;
  } catch {
    // Fall through to IPv6: some networks have only that.
  }
  const [address] = await resolver.resolve6(hostname);
  if (address === undefined) throw new Error(`no address for ${hostname}`);
  return address;
}

export async function probeOnce(publicUrl: string, token: string, config: ProbeConfig): Promise<ProbeResult> {
  const hostname = new URL(publicUrl).hostname;
  let host: string;
  let port: number;
  if (config.address !== null) {
    ({ host, port } = config.address);
  } else {
    try {
      host = await resolveName(hostname, config);
    } catch (error) {
      return {
        ok: false,
        reason: `${hostname} does not resolve yet (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      };
    }
    port = config.protocol === 'https' ? 443 : 80;
  }
  const request = config.protocol === 'https' ? httpsRequest : httpRequest;
  return new Promise<ProbeResult>((resolve) => {
    const req = request(
      {
        host,
        port,
        path: probePath(token),
        method: 'GET',
        // The address was resolved here: TLS must still check the certificate against the name.
        servername: hostname,
        headers: { host: hostname, 'user-agent': 'porthole-probe', 'cache-control': 'no-cache' },
        agent: false,
        timeout: config.attemptTimeoutMs,
      },
      (response: IncomingMessage) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          if (body.length < 4096) body += chunk;
        });
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          const elsewhere = status === 200 ? ' from somewhere else' : '';
          resolve(isProbeAnswer(status, body, token) ? { ok: true } : { ok: false, reason: `${publicUrl} answered ${status}${elsewhere}` });
        });
        response.on('error', (error) => resolve({ ok: false, reason: error.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${config.attemptTimeoutMs} ms`)));
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ ok: false, reason: `${host}:${port}: ${error.code ?? error.message}` }));
    req.end();
  });
}
