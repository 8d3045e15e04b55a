import type { PortholeState } from '../../lib/porthole-state';
import { type AccountStatus, HOST_FEATURES, NO_ACCOUNT } from '../../lib/protocol';
import { hello, stateWith, tracked } from './popup-states';

/**
 * The Cloudflare account's states as plain data (issue 14), for the options page's and the popup's
 * tests and screenshots. The host announces `stable` (not yet in HOST_FEATURES until it serves it).
 */
export const LOGIN_URL = 'https://dash.cloudflare.com/argotunnel?aud=&callback=https%3A%2F%2Flogin.cloudflareaccess.org%2Fabc123';
export const ZONE = 'example.dev';
export const TUNNEL = { id: '6ff42ae2-765d-4adf-8112-31c55c1551ef', name: 'porthole-laptop' };

export function account(patch: Partial<AccountStatus> = {}): AccountStatus {
  return { ...NO_ACCOUNT, ...patch };
}

const STABLE_HELLO = hello({ features: [...new Set<string>([...HOST_FEATURES, 'stable'])] });

/** A host that can make stable addresses, with `accountStatus` (null: not asked yet). */
export function withStable(state: PortholeState, accountStatus: AccountStatus | null): PortholeState {
  return { ...state, hello: STABLE_HELLO, account: accountStatus };
}

const CONNECTED = account({
  state: 'connected',
  mode: 'cert',
  zone: ZONE,
  tunnel: TUNNEL,
  hostnames: ['shop.example.dev', 'api.example.dev'],
});

export const ACCOUNT_STATES = {
  /** A host from before stable addresses. */
  oldHost: {
    ...stateWith(),
    hello: hello({ version: '1.3.0', features: HOST_FEATURES.filter((feature) => feature !== ('stable' as string)) }),
  },
  checking: withStable(stateWith(), null),
  disconnected: withStable(stateWith(), account()),
  connecting: withStable(stateWith(), account({ state: 'connecting', mode: 'cert', loginUrl: LOGIN_URL })),
  /** The login ended without a certificate: the person closed the tab, or it timed out. */
  loginFailed: withStable(
    stateWith(),
    account({
      error: {
        code: 'account-error',
        message: 'The Cloudflare login was not finished within 5 minutes.',
        detail: 'Failed to write the certificate: timed out waiting for the authorisation',
      },
    }),
  ),
  connectedNoTunnelYet: withStable(stateWith(), account({ state: 'connected', mode: 'cert', zone: ZONE })),
  connected: withStable(stateWith(), CONNECTED),
  token: withStable(
    stateWith(),
    account({
      state: 'connected',
      mode: 'token',
      zone: ZONE,
      tokenHostname: 'preview.example.dev',
      tokenService: 'http://127.0.0.1:47113',
    }),
  ),
  tokenRefused: withStable(
    stateWith(),
    account({ error: { code: 'token-invalid', message: 'The tunnel token is not valid base64 JSON.' } }),
  ),
  /** The popup on a server not shared yet, with an account connected. */
  popupConnected: withStable(stateWith(), CONNECTED),
  /** The popup with a live stable share. */
  popupStableLive: withStable(
    stateWith(
      tracked({
        state: 'live',
        url: 'https://shop.example.dev',
        address: 'stable',
        hostname: 'shop.example.dev',
        traffic: { requests: 6, visitors: 1, recent: [] },
      }),
    ),
    CONNECTED,
  ),
};
