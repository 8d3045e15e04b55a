import type { ErrorCode, HostError } from './protocol/index.js';

/**
 * The one sentence per failure that a person sees, saying what happened and what to do.
 * Call sites add specifics (which origin, which path) through `message` when they have them.
 */
const DEFAULT_MESSAGES: Record<ErrorCode, string> = {
  'bad-request': 'The host did not understand the request. Update the Porthole extension and the host to the same version.',
  'not-loopback': 'Only pages on this computer (localhost, *.localhost, 127.0.0.0/8, [::1]) can be shared.',
  'cloudflared-missing':
    'cloudflared was not found. Reinstall Porthole (it bundles cloudflared), install cloudflared from https://developers.cloudflare.com/cloudflare-one/connections/connect-networks/downloads/, or set PORTHOLE_CLOUDFLARED to its path.',
  offline:
    'Could not reach trycloudflare.com to create a tunnel. Check your internet connection (and any proxy or firewall), then share again.',
  'rate-limited':
    'trycloudflare.com is refusing new tunnels from this network for now (rate limited). Wait a few minutes, then share again.',
  'tunnel-service-error':
    'trycloudflare.com answered with an error instead of a tunnel. The service may be having trouble: try again in a minute.',
  'edge-unreachable':
    "cloudflared got a public address but could not connect to Cloudflare's network. Check that outbound connections on port 7844 (UDP and TCP) are allowed, then share again.",
  'tunnel-exited': 'cloudflared stopped unexpectedly. Share again to get a new public address.',
  internal: 'Something went wrong inside the Porthole host. Run `porthole-host doctor` and see the host log for details.',
  'origin-unreachable':
    'Nothing answers at the shared address on this computer, so visitors see a "not running" page. Start your local server: the share picks it up by itself.',
  'folder-refused': 'That folder cannot be shared. Pick the folder of the site itself (for example its dist or public folder).',
  'upload-refused': 'Porthole refused those files. Drop a folder, some files or a .zip of a website, within the limits shown.',
  'not-logged-in':
    'No Cloudflare account is connected. Connect one on the Porthole options page (or run porthole-host login), then share again.',
  'certificate-invalid':
    "Cloudflare refused Porthole's certificate for your account (it has expired or was revoked). Connect the account again on the options page.",
  'zone-not-allowed': 'That hostname is not on the domain your Cloudflare account connected. Pick a name under the connected domain.',
  'dns-record-foreign':
    'A DNS record with that name already exists and Porthole did not create it, so it was left alone. Pick another name, or remove that record in Cloudflare first.',
  'token-invalid': "Cloudflare did not accept that tunnel token. Copy it again from the tunnel's page in the Cloudflare dashboard.",
  'name-invalid': 'A stable name may use letters a–z, digits and hyphens (1 to 63 characters), and cannot start or end with a hyphen.',
  'account-error': "cloudflared could not reach your Cloudflare account's API. Check your internet connection and try again.",
  unverified:
    "The public address did not answer Porthole's check from the internet yet. It usually starts working within a minute; if a visitor sees an error, they can reload.",
};

export function hostError(code: ErrorCode, message?: string, detail?: string): HostError {
  const error: HostError = { code, message: message ?? DEFAULT_MESSAGES[code] };
  if (detail !== undefined && detail !== '') error.detail = detail;
  return error;
}

/** An Error that carries a protocol error, so it can cross async boundaries and still be answered properly. */
export class PortholeError extends Error {
  readonly hostError: HostError;
  constructor(code: ErrorCode, message?: string, detail?: string) {
    const error = hostError(code, message, detail);
    super(error.message);
    this.name = 'PortholeError';
    this.hostError = error;
  }
}

export function toHostError(error: unknown): HostError {
  if (error instanceof PortholeError) return error.hostError;
  const text = error instanceof Error ? error.message : String(error);
  return hostError('internal', undefined, text);
}
