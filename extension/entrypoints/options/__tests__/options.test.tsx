import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { backgroundCommandsProxy } from '../../../lib/background-commands';
import type { PortholeState } from '../../../lib/porthole-state';
import { readPreferences } from '../../../lib/preferences';
import type { AccountStatus } from '../../../lib/protocol';
import { ACCOUNT_STATES, account, LOGIN_URL, TUNNEL, ZONE } from '../../../ui/__tests__/account-states';
import { STATES } from '../../../ui/__tests__/popup-states';
import { App } from '../App';
import type { OptionsEnv } from '../options-env';

afterEach(cleanup);
beforeEach(() => fakeBrowser.reset());

/** The options page's browser: real fake storage for preferences, the background's state published by the test. */
class FakeEnv implements OptionsEnv {
  preferences = fakeBrowser.storage.sync;
  /** Each command sent to the background: its name, then its arguments. */
  asked: unknown[][] = [];
  opened: string[] = [];
  clipboard: string[] = [];
  /** What the background answers each command with. */
  answers: Record<string, AccountStatus | null> = {};
  private listener: ((state: PortholeState) => void) | null = null;
  constructor(private state: PortholeState) {}
  readState = async () => this.state;
  watchState = (listener: (state: PortholeState) => void) => {
    this.listener = listener;
    return () => {
      this.listener = null;
    };
  };
  background = backgroundCommandsProxy(async (message) => {
    this.asked.push([message.name, ...message.args]);
    return { ok: true, result: this.answers[message.name] ?? null };
  });
  openTab = (url: string) => void this.opened.push(url);
  writeClipboard = async (text: string) => void this.clipboard.push(text);
  /** The background wrote a new state (a reply, or the host's account-event). */
  publish(state: PortholeState) {
    this.state = state;
    act(() => this.listener?.(state));
  }
  commands(): string[] {
    return this.asked.map(([name]) => String(name));
  }
}

const section = () => screen.getByRole('region', { name: 'Stable addresses' });

describe('options page', () => {
  it('starts from the defaults: copy automatically on, stop with the tab off', async () => {
    render(<App env={new FakeEnv(STATES.notShared)} />);
    const copy = (await screen.findByRole('checkbox', { name: /Copy the public address automatically/ })) as HTMLInputElement;
    const stop = screen.getByRole('checkbox', { name: /Stop a share when its tab closes/ }) as HTMLInputElement;
    await waitFor(() => expect(copy.disabled).toBe(false));
    expect(copy.checked).toBe(true);
    expect(stop.checked).toBe(false);
  });

  it('saves each change at once, where the background reads it', async () => {
    render(<App env={new FakeEnv(STATES.notShared)} />);
    const stop = (await screen.findByRole('checkbox', { name: /Stop a share when its tab closes/ })) as HTMLInputElement;
    await waitFor(() => expect(stop.disabled).toBe(false));
    fireEvent.click(stop);
    fireEvent.click(screen.getByRole('checkbox', { name: /Copy the public address automatically/ }));
    await waitFor(async () =>
      expect(await readPreferences(fakeBrowser.storage.sync)).toEqual({ copyWhenReady: false, stopWhenTabCloses: true }),
    );

    cleanup();
    render(<App env={new FakeEnv(STATES.notShared)} />);
    const again = (await screen.findByRole('checkbox', { name: /Stop a share when its tab closes/ })) as HTMLInputElement;
    await waitFor(() => expect(again.checked).toBe(true));
  });
});

describe('options page: stable addresses', () => {
  it('opening the page wakes the host, whose hello tells whether it can make stable addresses', async () => {
    const env = new FakeEnv(ACCOUNT_STATES.checking);
    render(<App env={env} />);
    expect(await within(await screen.findByRole('region', { name: 'Stable addresses' })).findByRole('status')).toBeTruthy();
    await waitFor(() => expect(env.commands()).toEqual(['refresh', 'account']));
  });

  it('a host without the feature: no Connect, a sentence saying to update the host', async () => {
    render(<App env={new FakeEnv(ACCOUNT_STATES.oldHost)} />);
    expect(await screen.findByText(/Your Porthole helper \(version 1\.3\.0\) cannot make stable addresses yet\. Update it/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Connect Cloudflare account' })).toBeNull();
  });

  it('disconnected: says what it needs and creates; Connect opens Cloudflare’s page and waits for the zone', async () => {
    const env = new FakeEnv(ACCOUNT_STATES.disconnected);
    env.answers.connect = account({ state: 'connecting', mode: 'cert', loginUrl: LOGIN_URL });
    render(<App env={env} />);
    const connect = await screen.findByRole('button', { name: 'Connect Cloudflare account' });
    expect(section().textContent).toMatch(/free Cloudflare account that has a domain on it/);
    expect(section().textContent).toMatch(/one tunnel for this computer[\s\S]*one DNS record \(CNAME\)[\s\S]*Disconnect removes all of it/);

    fireEvent.click(connect);
    expect(env.commands()).toContain('connect');
    await waitFor(() => expect(env.opened).toEqual([LOGIN_URL]));
    // The background wrote the connect reply into its state.
    env.publish(ACCOUNT_STATES.connecting);
    expect(await screen.findByText('Waiting for you to pick a domain in the Cloudflare tab…')).toBeTruthy();

    // The host's account-event: the person picked a zone.
    env.publish(ACCOUNT_STATES.connectedNoTunnelYet);
    expect(await within(section()).findByText(ZONE)).toBeTruthy();
    expect(screen.queryByText(/Waiting for you to pick a domain/)).toBeNull();
    expect(section().textContent).toMatch(/Created with the first stable share/);
  });

  it('connecting: the Cloudflare page can be opened again, and the login cancelled', async () => {
    const env = new FakeEnv(ACCOUNT_STATES.connecting);
    render(<App env={env} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Open the Cloudflare page again' }));
    expect(env.opened).toEqual([LOGIN_URL]);
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(env.commands()).toContain('disconnect');
  });

  it('a failed login shows its sentence and what to do: Connect again sends connect', async () => {
    const env = new FakeEnv(ACCOUNT_STATES.connecting);
    render(<App env={env} />);
    await screen.findByText('Waiting for you to pick a domain in the Cloudflare tab…');
    env.publish(ACCOUNT_STATES.loginFailed);
    const alert = await within(section()).findByRole('alert');
    expect(alert.textContent).toMatch(
      /cloudflared could not do what Porthole asked in your Cloudflare account[\s\S]*Try again in a minute/,
    );
    // The host's own words are kept under Details.
    expect(alert.textContent).toMatch(/not finished within 5 minutes/);
    fireEvent.click(within(alert).getByRole('button', { name: 'Connect again' }));
    expect(env.commands()).toContain('connect');
  });

  it('connected: the zone, the tunnel and the routed hostnames; Disconnect names what goes before it goes', async () => {
    const env = new FakeEnv(ACCOUNT_STATES.connected);
    render(<App env={env} />);
    await within(await screen.findByRole('region', { name: 'Stable addresses' })).findByText(ZONE);
    expect(section().textContent).toContain(TUNNEL.name);
    const routed = screen.getByRole('list', { name: 'Stable addresses Porthole routed' });
    expect(
      within(routed)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual(['shop.example.dev', 'api.example.dev']);

    fireEvent.click(screen.getByRole('button', { name: 'Disconnect' }));
    const confirm = screen.getByRole('alertdialog', { name: 'Disconnect the Cloudflare account?' });
    expect(confirm.textContent).toContain(`the tunnel ${TUNNEL.name} (${TUNNEL.id})`);
    expect(confirm.textContent).toContain('the DNS records shop.example.dev, api.example.dev');
    expect(confirm.textContent).toContain('Porthole’s certificate for your account');
    fireEvent.click(within(confirm).getByRole('button', { name: 'Keep connected' }));
    expect(env.commands()).not.toContain('disconnect');

    fireEvent.click(screen.getByRole('button', { name: 'Disconnect' }));
    fireEvent.click(screen.getByRole('button', { name: 'Remove and disconnect' }));
    expect(env.commands()).toContain('disconnect');
    env.publish(ACCOUNT_STATES.disconnected);
    expect(await screen.findByRole('button', { name: 'Connect Cloudflare account' })).toBeTruthy();
  });

  it('token mode: the token is a password field; the service address to enter in the dashboard is shown and copied', async () => {
    const env = new FakeEnv(ACCOUNT_STATES.disconnected);
    render(<App env={env} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Use a tunnel token from the dashboard instead' }));
    const token = screen.getByLabelText('Tunnel token') as HTMLInputElement;
    expect(token.type).toBe('password');
    const submit = screen.getByRole('button', { name: 'Use this tunnel' }) as HTMLButtonElement;
    expect(submit.disabled).toBe(true);
    fireEvent.input(token, { target: { value: '  eyJhIjoiYWNjb3VudCJ9  ' } });
    fireEvent.input(screen.getByLabelText('Public hostname'), { target: { value: 'Preview.Example.dev' } });
    fireEvent.click(submit);
    expect(env.asked).toContainEqual(['connectToken', 'eyJhIjoiYWNjb3VudCJ9', 'preview.example.dev']);

    env.publish(ACCOUNT_STATES.token);
    expect(await screen.findByText('http://127.0.0.1:47113')).toBeTruthy();
    expect(section().textContent).toMatch(/give the public hostname preview\.example\.dev this service/);
    fireEvent.click(within(section()).getByRole('button', { name: 'Copy' }));
    await waitFor(() => expect(env.clipboard).toEqual(['http://127.0.0.1:47113']));
    expect(await within(section()).findByRole('button', { name: 'Copied' })).toBeTruthy();

    // Disconnecting a dashboard tunnel leaves the dashboard's objects alone, and says so.
    fireEvent.click(screen.getByRole('button', { name: 'Disconnect' }));
    expect(screen.getByRole('alertdialog').textContent).toMatch(/stay in Cloudflare’s dashboard/);
  });

  it('a refused token says so in the extension’s words, with the host’s under Details', async () => {
    render(<App env={new FakeEnv(ACCOUNT_STATES.tokenRefused)} />);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/Cloudflare does not accept this tunnel token/);
    expect(alert.textContent).toMatch(/not valid base64 JSON/);
  });

  it('no host: points at the popup’s install help instead of a Connect that cannot work', async () => {
    render(<App env={new FakeEnv(STATES.hostMissing)} />);
    expect(
      await screen.findByText(/Stable addresses are made by the Porthole helper \(porthole-host\), which is not running/),
    ).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Connect Cloudflare account' })).toBeNull();
  });
});
