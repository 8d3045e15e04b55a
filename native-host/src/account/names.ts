/**
 * Stable names: the DNS label before the zone (`myapp` → `myapp.example.com`), the default one a
 * share gets from its origin, and the name of the one tunnel Porthole makes per computer. Pure.
 */

/** RFC 1123 label, lower case: what Cloudflare accepts as one part of a proxied hostname. */
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export function normaliseLabel(name: string): string | null {
  const lower = name.trim().toLowerCase();
  return LABEL.test(lower) ? lower : null;
}

/** A hostname Porthole may route: labels joined by dots, at most 253 characters. */
export function isHostname(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.length <= 253 && lower.split('.').length >= 2 && lower.split('.').every((label) => LABEL.test(label));
}

/**
 * The name a share gets when the user gives none: `app-3000` from the port, or the `*.localhost`
 * name's first label (`shop.localhost:3000` → `shop`), which is already a project name.
 */
export function defaultLabel(origin: string, key = ''): string {
  // A folder share's origin is a static server on a random port: its folder's name says more.
  if (key.startsWith('folder:')) {
    const base = key.split(/[\\/]/).filter(Boolean).at(-1) ?? '';
    const label = normaliseLabel(
      base
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 63),
    );
    if (label !== null) return label;
  }
  const url = new URL(origin);
  const host = url.hostname.toLowerCase();
  if (host.endsWith('.localhost')) {
    const label = normaliseLabel(host.slice(0, -'.localhost'.length).split('.')[0] ?? '');
    if (label !== null) return label;
  }
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return `app-${port}`;
}

export function hostnameFor(label: string, zone: string): string {
  return `${label}.${zone.toLowerCase()}`;
}

/** The zone part of a hostname Porthole routed (`a.example.com` → `example.com`, given its label). */
export function zoneOf(hostname: string, label: string): string | null {
  const lower = hostname.toLowerCase();
  return lower.startsWith(`${label}.`) ? lower.slice(label.length + 1) : null;
}

/** `porthole-<computer>`: one tunnel per computer, named so the user recognises it in the dashboard. */
export function tunnelNameFor(computerName: string): string {
  const cleaned = computerName
    .toLowerCase()
    .split('.')[0]
    ?.replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `porthole-${cleaned === undefined || cleaned === '' ? 'computer' : cleaned}`;
}
