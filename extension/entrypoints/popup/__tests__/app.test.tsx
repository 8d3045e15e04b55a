import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { RememberedAddress } from '../../../lib/address-memory';
import { backgroundCommandsProxy } from '../../../lib/background-commands';
import type { PortholeState } from '../../../lib/porthole-state';
import { writeState } from '../../../lib/share-store';
import { ACCOUNT_STATES, account, withStable, ZONE } from '../../../ui/__tests__/account-states';
import { NOW, ORIGIN, STATES } from '../../../ui/__tests__/popup-states';
import type { PageInfo } from '../../../ui/page-info';
import { App, FIRST_STATE_PAINT_MARK } from '../App';
import { createPopupEnv, type PopupEnv } from '../popup-env';

afterEach(cleanup);

class FakeEnv implements PopupEnv {
  clipboard: string[] = [];
  /** Each command the popup sent the background: its name, then its arguments. */
  asked: unknown[][] = [];
  opened: string[] = [];
  private listener: ((state: PortholeState) => void) | null = null;
  constructor(
    private page: PageInfo,
    private state: PortholeState,
  ) {}
  findPage = async () => this.page;
  readState = async () => this.state;
  watchState = (listener: (state: PortholeState) => void) => {
    this.listener = listener;
    return () => {
      this.listener = null;
    };
  };
  background = backgroundCommandsProxy(async (message) => {
    this.asked.push([message.name, ...message.args]);
    return { ok: true, result: null };
  });
  writeClipboard = async (text: string) => {
    this.clipboard.push(text);
  };
  openTab = (url: string) => void this.opened.push(url);
  optionsOpened = 0;
  openOptions = () => void this.optionsOpened++;
  /** What storage.local remembers per server, as address-memory.ts reads it. */
  addresses = new Map<string, RememberedAddress>();
  addressReads = 0;
  readAddress = async (origin: string) => {
    this.addressReads++;
    return this.addresses.get(origin) ?? null;
  };
  now = () => NOW;
  /** The background wrote a new state. */
  publish(state: PortholeState) {
    this.state = state;
    act(() => this.listener?.(state));
  }
}

const LOCAL: PageInfo = { kind: 'loopback', tabId: 7, origin: ORIGIN };

describe('popup app', () => {
  it('asks the background to reconcile when it opens, and marks its first paint with state', async () => {
    const env = new FakeEnv(LOCAL, STATES.notShared);
    performance.clearMarks();
    render(<App env={env} />);
    await screen.findByRole('button', { name: 'Share this localhost tab' });
    expect(env.asked).toEqual([['refresh']]);
    await waitFor(() => expect(performance.getEntriesByName(FIRST_STATE_PAINT_MARK)).toHaveLength(1));
  });

  it('Share asks the background for this tab’s origin, then follows the state as it changes', async () => {
    const env = new FakeEnv(LOCAL, STATES.notShared);
    render(<App env={env} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Share this localhost tab' }));
    expect(env.asked).toContainEqual(['share', ORIGIN, 7, 'popup', { password: null, expiresInMinutes: null }, { kind: 'quick' }]);

    env.publish(STATES.startingCloudflared);
    expect(await screen.findByText('Starting cloudflared…')).toBeTruthy();
    env.publish(STATES.gettingAddress);
    expect(await screen.findByText('Getting a public address…')).toBeTruthy();
    env.publish(STATES.live);
    expect(await screen.findByRole('link', { name: 'https://violet-owl-lamp.trycloudflare.com' })).toBeTruthy();
  });

  it('Copy writes the URL to the clipboard and the button confirms "Copied", then goes back', async () => {
    const env = new FakeEnv(LOCAL, STATES.live);
    render(<App env={env} />);
    const panelCopy = (await screen.findAllByRole('button', { name: 'Copy' }))[0]!;
    vi.useFakeTimers();
    try {
      fireEvent.click(panelCopy);
      await act(async () => {
        await Promise.resolve();
      });
      expect(env.clipboard).toEqual(['https://violet-owl-lamp.trycloudflare.com']);
      expect(screen.getAllByRole('button', { name: 'Copied' }).length).toBeGreaterThan(0);
      await act(async () => {
        vi.advanceTimersByTime(2100);
      });
      expect(screen.queryByRole('button', { name: 'Copied' })).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it('a refused clipboard write is explained, not swallowed', async () => {
    const env = new FakeEnv(LOCAL, STATES.live);
    env.writeClipboard = async () => {
      throw new Error('Write permission denied');
    };
    render(<App env={env} />);
    fireEvent.click((await screen.findAllByRole('button', { name: 'Copy' }))[0]!);
    expect(await screen.findByText(/Could not copy: Write permission denied/)).toBeTruthy();
  });

  it('Restart asks the background to restart that share', async () => {
    const env = new FakeEnv(LOCAL, STATES.diedAfterLive);
    render(<App env={env} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Restart' }));
    expect(env.asked).toContainEqual(['restart', 's1']);
    env.publish({ ...STATES.startingCloudflared });
    expect(await screen.findByText('Starting cloudflared…')).toBeTruthy();
  });

  it('password and expiry changes go to the background as configure; Copy the password copies it', async () => {
    const env = new FakeEnv(LOCAL, STATES.livePasswordExpiry);
    render(<App env={env} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Remove the password' }));
    expect(env.asked).toContainEqual(['configure', 's1', { password: null }]);
    fireEvent.change(screen.getByRole('combobox', { name: 'Expires' }), { target: { value: '240' } });
    expect(env.asked).toContainEqual(['configure', 's1', { expiresInMinutes: 240 }]);

    fireEvent.click(screen.getByRole('button', { name: 'Copy the password' }));
    await screen.findByRole('button', { name: 'Copied' });
    expect(env.clipboard).toEqual(['correct-horse']);
    // Only the password's button says so.
    expect(screen.getAllByRole('button', { name: 'Copy' }).length).toBeGreaterThan(0);
  });

  it('the options chosen before Share go with it', async () => {
    const env = new FakeEnv(LOCAL, STATES.notShared);
    render(<App env={env} />);
    fireEvent.input(await screen.findByRole('textbox', { name: 'Protect with password' }), { target: { value: 'pw' } });
    fireEvent.change(screen.getByRole('combobox', { name: 'Expires after' }), { target: { value: '15' } });
    fireEvent.click(screen.getByRole('button', { name: 'Share this localhost tab' }));
    expect(env.asked).toContainEqual(['share', ORIGIN, 7, 'popup', { password: 'pw', expiresInMinutes: 15 }, { kind: 'quick' }]);
  });

  it('traffic pushed by the host shows as the background writes it', async () => {
    const env = new FakeEnv(LOCAL, STATES.live);
    render(<App env={env} />);
    const visitors = await screen.findByRole('region', { name: 'Visitors' });
    expect(within(visitors).getByText('0 visitors · 0 requests')).toBeTruthy();
    env.publish(STATES.liveTraffic);
    expect(await within(visitors).findByText('2 visitors · 14 requests')).toBeTruthy();
    expect(screen.getByText('/favicon.ico')).toBeTruthy();
  });

  it('Stop all and Open go where they should', async () => {
    const env = new FakeEnv({ kind: 'other', tabId: 2, url: 'https://example.com/' }, STATES.otherShares);
    render(<App env={env} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Stop all' }));
    expect(env.asked).toContainEqual(['stopAll']);
  });
});

describe('popup: stable addresses', () => {
  const TITLED: PageInfo = { kind: 'loopback', tabId: 7, origin: ORIGIN, url: `${ORIGIN}/cart`, title: 'Acme Shop · Cart' };
  const share = () => screen.getByRole('button', { name: 'Share this localhost tab' }) as HTMLButtonElement;

  it('without a connected account there is no choice: the share is quick', async () => {
    const env = new FakeEnv(TITLED, withStable(STATES.notShared, account()));
    render(<App env={env} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Share this localhost tab' }));
    expect(screen.queryByRole('radio', { name: /Stable address/ })).toBeNull();
    expect(env.asked).toContainEqual([
      'share',
      `${ORIGIN}/cart`,
      7,
      'popup',
      { password: null, expiresInMinutes: null },
      { kind: 'quick' },
    ]);
  });

  it('with an account: quick by default; stable proposes a name from the page’s title under the zone', async () => {
    const env = new FakeEnv(TITLED, ACCOUNT_STATES.popupConnected);
    render(<App env={env} />);
    const quick = (await screen.findByRole('radio', { name: 'Quick address' })) as HTMLInputElement;
    expect(quick.checked).toBe(true);
    fireEvent.click(screen.getByRole('radio', { name: `Stable address on ${ZONE}` }));
    const name = screen.getByRole('textbox', { name: 'Stable name' }) as HTMLInputElement;
    expect(name.value).toBe('acme-shop-cart');
    expect(screen.getByText(`.${ZONE}`)).toBeTruthy();
    expect(screen.getByText(`https://acme-shop-cart.${ZONE}, the same every time.`)).toBeTruthy();
    fireEvent.click(share());
    expect(env.asked).toContainEqual([
      'share',
      `${ORIGIN}/cart`,
      7,
      'popup',
      { password: null, expiresInMinutes: null },
      { kind: 'stable', name: 'acme-shop-cart' },
    ]);
  });

  it('a name the host would refuse is caught before sending: the reason shows and Share waits', async () => {
    const env = new FakeEnv(TITLED, ACCOUNT_STATES.popupConnected);
    render(<App env={env} />);
    fireEvent.click(await screen.findByRole('radio', { name: `Stable address on ${ZONE}` }));
    const name = screen.getByRole('textbox', { name: 'Stable name' });
    fireEvent.input(name, { target: { value: 'my shop' } });
    expect(screen.getByRole('alert').textContent).toMatch(/only letters a–z, digits 0–9 and hyphens/);
    expect(share().disabled).toBe(true);
    fireEvent.input(name, { target: { value: '-shop' } });
    expect(screen.getByRole('alert').textContent).toMatch(/cannot start or end with a hyphen/);
    fireEvent.submit(share().closest('form')!);
    expect(env.asked.filter(([command]) => command === 'share')).toEqual([]);
    // Typed in capitals, sent as DNS has it.
    fireEvent.input(name, { target: { value: ' Shop-2 ' } });
    expect(screen.queryByRole('alert')).toBeNull();
    fireEvent.click(share());
    expect(env.asked).toContainEqual([
      'share',
      `${ORIGIN}/cart`,
      7,
      'popup',
      { password: null, expiresInMinutes: null },
      { kind: 'stable', name: 'shop-2' },
    ]);
  });

  it('starts from what this server was shared on last time', async () => {
    const env = new FakeEnv(TITLED, ACCOUNT_STATES.popupConnected);
    env.addresses.set(ORIGIN, { kind: 'stable', name: 'shop' });
    render(<App env={env} />);
    await waitFor(() => expect((screen.getByRole('radio', { name: `Stable address on ${ZONE}` }) as HTMLInputElement).checked).toBe(true));
    expect((screen.getByRole('textbox', { name: 'Stable name' }) as HTMLInputElement).value).toBe('shop');
  });

  it('an account that becomes known after the popup opened is offered with the remembered name', async () => {
    const env = new FakeEnv(TITLED, withStable(STATES.notShared, null));
    env.addresses.set(ORIGIN, { kind: 'stable', name: 'shop' });
    render(<App env={env} />);
    await screen.findByRole('button', { name: 'Share this localhost tab' });
    expect(screen.queryByRole('radio', { name: /Stable address/ })).toBeNull();
    // The remembered address has loaded before the account is known.
    await waitFor(() => expect(env.addressReads).toBe(1));
    await act(async () => {
      await Promise.resolve();
    });
    env.publish(ACCOUNT_STATES.popupConnected);
    await waitFor(() => expect((screen.getByRole('radio', { name: `Stable address on ${ZONE}` }) as HTMLInputElement).checked).toBe(true));
    expect((screen.getByRole('textbox', { name: 'Stable name' }) as HTMLInputElement).value).toBe('shop');
  });

  it('token mode offers the dashboard’s one hostname, no name to type', async () => {
    const env = new FakeEnv(TITLED, ACCOUNT_STATES.token);
    render(<App env={env} />);
    fireEvent.click(await screen.findByRole('radio', { name: 'Stable address preview.example.dev' }));
    expect(screen.queryByRole('textbox', { name: 'Stable name' })).toBeNull();
    fireEvent.click(share());
    expect(env.asked).toContainEqual([
      'share',
      `${ORIGIN}/cart`,
      7,
      'popup',
      { password: null, expiresInMinutes: null },
      { kind: 'stable' },
    ]);
  });

  it('a live stable share shows its hostname marked stable, in the panel and in the list', async () => {
    const env = new FakeEnv(LOCAL, ACCOUNT_STATES.popupStableLive);
    render(<App env={env} />);
    const panel = (await screen.findByRole('link', { name: 'https://shop.example.dev' })).closest('.share-panel') as HTMLElement;
    expect(within(panel).getByTitle(/A stable address/).textContent).toBe('stable');
    cleanup();
    render(<App env={new FakeEnv({ kind: 'other', tabId: 2, url: 'https://example.com/' }, ACCOUNT_STATES.popupStableLive)} />);
    const row = (await screen.findByTitle('https://shop.example.dev')).closest('li') as HTMLElement;
    expect(within(row).getByTitle(/A stable address/).textContent).toBe('stable');
  });

  it('not logged in: the problem offers the options page, where the account is connected', async () => {
    const env = new FakeEnv(LOCAL, {
      ...ACCOUNT_STATES.popupConnected,
      lastError: { code: 'not-logged-in', message: 'No certificate.', origin: ORIGIN, at: NOW },
    });
    render(<App env={env} />);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/No Cloudflare account is connected/);
    fireEvent.click(within(alert).getByRole('button', { name: 'Open Porthole options' }));
    expect(env.optionsOpened).toBe(1);
  });

  it('a DNS record that is not Porthole’s: Pick another name puts the cursor in the name', async () => {
    const env = new FakeEnv(LOCAL, {
      ...ACCOUNT_STATES.popupConnected,
      lastError: { code: 'dns-record-foreign', message: 'shop.example.dev already has an A record.', origin: ORIGIN, at: NOW },
    });
    env.addresses.set(ORIGIN, { kind: 'stable', name: 'shop' });
    render(<App env={env} />);
    const alert = await screen.findByText(/already taken by a DNS record Porthole did not create/);
    await waitFor(() => expect(screen.getByRole('textbox', { name: 'Stable name' })).toBeTruthy());
    fireEvent.click(within(alert.closest('.problem') as HTMLElement).getByRole('button', { name: 'Pick another name' }));
    expect(document.activeElement).toBe(screen.getByRole('textbox', { name: 'Stable name' }));
  });
});

describe('popup environment', () => {
  beforeEach(() => fakeBrowser.reset());

  it('with ?tab=<id> describes that tab (the pop-out view)', async () => {
    const tab = await fakeBrowser.tabs.create({ url: 'http://localhost:4321/blog' });
    const env = createPopupEnv({ search: `?tab=${tab.id}` } as Location);
    expect(await env.findPage()).toEqual({
      kind: 'loopback',
      tabId: tab.id,
      origin: 'http://localhost:4321',
      url: 'http://localhost:4321/blog',
    });
  });

  it('reads and watches the state the background keeps in storage.session', async () => {
    const env = createPopupEnv({ search: '' } as Location);
    await writeState(fakeBrowser.storage.session, STATES.live);
    expect((await env.readState()).shares.s1?.share.url).toBe('https://violet-owl-lamp.trycloudflare.com');
    const seen: PortholeState[] = [];
    env.watchState((state) => seen.push(state));
    await writeState(fakeBrowser.storage.session, STATES.notShared);
    expect(seen).toEqual([STATES.notShared]);
  });

  it('copies with the web clipboard API', async () => {
    const env = createPopupEnv({ search: '' } as Location);
    await env.writeClipboard('https://copied.trycloudflare.com');
    expect(await navigator.clipboard.readText()).toBe('https://copied.trycloudflare.com');
  });
});
