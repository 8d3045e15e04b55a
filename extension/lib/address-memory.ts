import { type AddressChoice, type AddressKind, shareKeyOf } from './protocol';
import { isStableName } from './stable-name';

/**
 * Which address each local server was last shared on (issue 14): quick or stable, and its stable
 * name. Kept per server (shareKeyOf: localhost:5173 and 127.0.0.1:5173 are one) in storage.local,
 * not sync: ports and projects belong to this computer. The popup pre-selects it; the context menu
 * and Restart share with it.
 */
export const ADDRESSES_KEY = 'porthole:addresses';

export interface AddressArea {
  get(keys: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}

export interface RememberedAddress {
  kind: AddressKind;
  /** The stable name last given for this server, kept when it was then shared quick, so stable proposes it again. */
  name: string | null;
}

function keyOf(origin: string): string {
  return shareKeyOf(origin) ?? origin;
}

function parseRemembered(value: unknown): RememberedAddress | null {
  if (typeof value !== 'object' || value === null) return null;
  const { kind, name } = value as { kind?: unknown; name?: unknown };
  if (kind !== 'quick' && kind !== 'stable') return null;
  return { kind, name: typeof name === 'string' && isStableName(name) ? name : null };
}

async function readAll(area: AddressArea): Promise<Record<string, RememberedAddress>> {
  const stored = (await area.get(ADDRESSES_KEY))[ADDRESSES_KEY];
  if (typeof stored !== 'object' || stored === null) return {};
  const all: Record<string, RememberedAddress> = {};
  for (const [key, value] of Object.entries(stored)) {
    const remembered = parseRemembered(value);
    if (remembered) all[key] = remembered;
  }
  return all;
}

/** What `origin`'s server was last shared on; null when it never was (quick then, the default). */
export async function readAddress(area: AddressArea, origin: string): Promise<RememberedAddress | null> {
  return (await readAll(area))[keyOf(origin)] ?? null;
}

/** Remembers the address `origin`'s server is shared on. A quick share keeps the stable name given before. */
export async function rememberAddress(area: AddressArea, origin: string, choice: AddressChoice): Promise<void> {
  const all = await readAll(area);
  const key = keyOf(origin);
  const name = choice.kind === 'stable' && choice.name ? choice.name : (all[key]?.name ?? null);
  all[key] = { kind: choice.kind, name };
  await area.set({ [ADDRESSES_KEY]: all });
}

/** The request's address for a remembered choice: quick, or stable with its name (absent: the host picks one). */
export function choiceOf(remembered: RememberedAddress | null): AddressChoice {
  if (remembered?.kind !== 'stable') return { kind: 'quick' };
  return remembered.name ? { kind: 'stable', name: remembered.name } : { kind: 'stable' };
}
