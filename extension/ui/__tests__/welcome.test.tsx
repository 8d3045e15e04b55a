import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App, type WelcomeEnv } from '../../entrypoints/welcome/App';
import type { PortholeState } from '../../lib/porthole-state';
import { openWelcomeOnInstall } from '../../lib/welcome';
import { hello, STATES, stateWith } from './popup-states';

/** The first run: the welcome page checks the helper through the background and shows how to pin. */

afterEach(cleanup);

function env(states: PortholeState[], options: { os?: string; browser?: WelcomeEnv['browser'] } = {}) {
  const clipboard: string[] = [];
  let index = 0;
  const refresh = vi.fn(async () => undefined);
  const welcomeEnv: WelcomeEnv = {
    platform: async () => options.os ?? 'linux',
    browser: options.browser ?? 'chromium',
    background: { refresh },
    readState: async () => states[Math.min(index++, states.length - 1)]!,
    watchState: () => () => undefined,
    writeClipboard: async (text) => void clipboard.push(text),
  };
  return { welcomeEnv, clipboard, refresh };
}

describe('the welcome page', () => {
  it('with no helper: says how to install it on this OS, copies the command, and finds it when checked again', async () => {
    const found = { ...stateWith(), hello: hello() };
    const { welcomeEnv, clipboard, refresh } = env([STATES.hostMissing, found], { os: 'win' });
    render(<App env={welcomeEnv} />);
    const alert = await screen.findByRole('alert');
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(alert.textContent).toContain('the Porthole helper (porthole-host)');
    expect(alert.textContent).toContain('porthole-<version>-win-x64.msi');
    expect(alert.textContent).toContain('porthole-host install');
    fireEvent.click(screen.getByRole('button', { name: 'Copy' }));
    await screen.findByRole('button', { name: 'Copied' });
    expect(clipboard).toEqual(['porthole-host install']);
    fireEvent.click(screen.getByRole('button', { name: 'Check again' }));
    await waitFor(() =>
      expect(screen.getByRole('status').textContent).toMatch(/Found: the Porthole helper 1\.4\.0, with cloudflared 2024\.6\.1/),
    );
    expect(refresh).toHaveBeenCalledTimes(2);
  });

  it('shows how to pin the button, in the browser’s own words', async () => {
    const { welcomeEnv } = env([{ ...stateWith(), hello: hello() }], { browser: 'firefox' });
    render(<App env={welcomeEnv} />);
    const pin = await screen.findByRole('region', { name: '2. Pin Porthole’s button' });
    expect(pin.textContent).toContain('Pin to Toolbar');
    expect(pin.textContent).toContain('badge');
  });
});

describe('openWelcomeOnInstall', () => {
  it('opens the page on a fresh install only', async () => {
    let listener: ((details: { reason: string }) => void) | undefined;
    const open = vi.fn(async () => undefined);
    openWelcomeOnInstall(
      {
        addListener: (added) => {
          listener = added;
        },
      },
      open,
    );
    listener!({ reason: 'update' });
    listener!({ reason: 'browser_update' });
    expect(open).not.toHaveBeenCalled();
    listener!({ reason: 'install' });
    expect(open).toHaveBeenCalledTimes(1);
  });
});
