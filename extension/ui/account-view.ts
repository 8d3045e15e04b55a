import { hostHasStable, type PortholeState } from '../lib/porthole-state';
import type { AccountStatus } from '../lib/protocol';

/**
 * What the options page's "Stable addresses" section shows, from the state the background keeps.
 * Pure, so each case is tested without a host.
 */
export type AccountView =
  /** The state is not read yet, or the host has not answered hello. */
  | { kind: 'checking' }
  /** No host, or it stopped: the popup explains how to install it. */
  | { kind: 'no-host' }
  /** A host without feature `stable`. */
  | { kind: 'old-host'; version: string }
  | { kind: 'disconnected'; account: AccountStatus | null }
  | { kind: 'connecting'; account: AccountStatus }
  | { kind: 'connected-cert'; account: AccountStatus }
  | { kind: 'connected-token'; account: AccountStatus };

export function accountView(state: PortholeState | null): AccountView {
  if (state === null) return { kind: 'checking' };
  if (state.host.status === 'missing' || state.host.status === 'unreachable') return { kind: 'no-host' };
  if (state.hello === null) return { kind: 'checking' };
  if (!hostHasStable(state)) return { kind: 'old-host', version: state.hello.version };
  const account = state.account ?? null;
  if (account === null) return { kind: 'checking' };
  if (account.state === 'connecting') return { kind: 'connecting', account };
  if (account.state === 'connected')
    return account.mode === 'token' ? { kind: 'connected-token', account } : { kind: 'connected-cert', account };
  return { kind: 'disconnected', account };
}

/** The confirmation before Disconnect: exactly what goes, by name. */
export function disconnectConsequences(account: AccountStatus): string[] {
  if (account.mode === 'token') {
    return [
      'Porthole forgets the tunnel token and stops running that tunnel; stable shares running now stop.',
      `Your tunnel and its public hostname ${account.tokenHostname ?? ''} stay in Cloudflare’s dashboard: delete them there if you no longer need them.`.replace(
        '  ',
        ' ',
      ),
    ];
  }
  const removed = [
    account.tunnel ? `the tunnel ${account.tunnel.name} (${account.tunnel.id})` : null,
    account.hostnames.length > 0
      ? `the DNS ${account.hostnames.length === 1 ? 'record' : 'records'} ${account.hostnames.join(', ')}`
      : null,
    'Porthole’s certificate for your account, on this computer',
  ].filter((part): part is string => part !== null);
  return [
    `Porthole removes what it created: ${removed.join('; ')}.`,
    'Stable shares running now stop. Nothing else in your Cloudflare account is touched.',
  ];
}
