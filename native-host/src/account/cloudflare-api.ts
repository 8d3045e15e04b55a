/**
 * The two things cloudflared cannot do for Porthole, asked of Cloudflare's API directly with the
 * token of the account's cert.pem (the calls cloudflared itself makes with it, in the same form):
 * the connected zone's name (cert.pem holds only its id) and removing the DNS records Porthole
 * routed (cloudflared 2023.7 has `route dns` but no way to delete a route). The base URL is
 * cloudflared's `--api-url` default; PORTHOLE_CLOUDFLARE_API_URL points both at a stand-in in tests.
 */
import type { OriginCert } from './cert.js';

export const DEFAULT_API_URL = 'https://api.cloudflare.com/client/v4';

interface Envelope<T> {
  success: boolean;
  errors?: { code: number; message: string }[];
  result: T;
}

export class ApiError extends Error {
  constructor(
    message: string,
    /** 10000 and 9109 mean the token was refused; null for network failures and non-JSON answers. */
    readonly apiCode: number | null,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get authentication(): boolean {
    return this.status === 401 || this.status === 403 || this.apiCode === 10000 || this.apiCode === 9109;
  }
}

export class CloudflareApi {
  constructor(
    private readonly cert: OriginCert,
    private readonly baseUrl: string = DEFAULT_API_URL,
    private readonly timeoutMs = 20_000,
  ) {}

  async zoneName(): Promise<string> {
    const zone = await this.call<{ name?: unknown }>('GET', `/zones/${this.cert.zoneId}`);
    if (typeof zone.name !== 'string' || zone.name === '') throw new ApiError('the zone has no name', null, null);
    return zone.name.toLowerCase();
  }

  /** The records named `hostname` (any type), as the DNS API lists them. */
  async dnsRecords(hostname: string): Promise<{ id: string; type: string; name: string; content: string }[]> {
    const records = await this.call<unknown>('GET', `/zones/${this.cert.zoneId}/dns_records?name=${encodeURIComponent(hostname)}`);
    return Array.isArray(records) ? (records as { id: string; type: string; name: string; content: string }[]) : [];
  }

  async deleteDnsRecord(id: string): Promise<void> {
    await this.call('DELETE', `/zones/${this.cert.zoneId}/dns_records/${encodeURIComponent(id)}`);
  }

  private async call<T>(method: string, path: string): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl.replace(/\/$/, '')}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.cert.apiToken}`, accept: 'application/json;version=1' },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new ApiError(`${method} ${path}: ${(error as Error).cause ?? (error as Error).message}`, null, null);
    }
    const text = await response.text();
    let body: Envelope<T> | null = null;
    try {
      body = JSON.parse(text) as Envelope<T>;
    } catch {
      body = null;
    }
    if (!response.ok || body === null || body.success !== true) {
      const first = body?.errors?.[0];
      const reason = first !== undefined ? `code: ${first.code}, reason: ${first.message}` : `status ${response.status}`;
      throw new ApiError(`${method} ${path}: ${reason}`, first?.code ?? null, response.status);
    }
    return body.result;
  }
}
