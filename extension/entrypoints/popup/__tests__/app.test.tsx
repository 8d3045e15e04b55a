import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { RememberedAddress } from '../../../lib/address-memory';
import { backgroundCommandsProxy } from '../../../lib/background-commands';
import type { PortholeState } from '../../../lib/porthole-state';
import { writeState } from '../../../lib/share-store';
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
  readAddress = async (origin: string) => this.addresses.get(origin) ?? null;
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
