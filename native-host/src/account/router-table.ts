/**
 * The Host router's table: which stable hostname goes to which share's gateway. Pure; the router
 * (host-router.ts) asks it for every request, shares add and remove entries while it runs.
 */

export interface RouteTarget {
  /** `127.0.0.1:PORT` of the share's gateway. */
  host: string;
  port: number;
}

/** A Host header's name part, lower case, without a port or the trailing dot of a fully qualified name. */
export function hostnameOfHeader(host: string | undefined): string | null {
  if (host === undefined) return null;
  let name = host.trim().toLowerCase();
  if (name.startsWith('[')) return null;
  const colon = name.lastIndexOf(':');
  if (colon !== -1) {
    if (!/^\d{1,5}$/.test(name.slice(colon + 1))) return null;
    name = name.slice(0, colon);
  }
  if (name.endsWith('.')) name = name.slice(0, -1);
  return /^[a-z0-9.-]+$/.test(name) && name !== '' ? name : null;
}

export class RouterTable {
  private readonly routes = new Map<string, RouteTarget>();

  set(hostname: string, target: RouteTarget): void {
    this.routes.set(hostname.toLowerCase(), target);
  }

  /** Removes the entry only if it still points at `target` (a newer share may own the name now). */
  delete(hostname: string, target?: RouteTarget): void {
    const current = this.routes.get(hostname.toLowerCase());
    if (current === undefined) return;
    if (target !== undefined && (current.host !== target.host || current.port !== target.port)) return;
    this.routes.delete(hostname.toLowerCase());
  }

  has(hostname: string): boolean {
    return this.routes.has(hostname.toLowerCase());
  }

  lookup(hostHeader: string | undefined): RouteTarget | null {
    const name = hostnameOfHeader(hostHeader);
    return name === null ? null : (this.routes.get(name) ?? null);
  }

  get size(): number {
    return this.routes.size;
  }
}
