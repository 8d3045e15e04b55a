import { cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { PortholeState } from '../../lib/porthole-state';
import type { PageInfo } from '../page-info';
import type { PopupActions } from '../popup-actions';
import { PopupView } from '../popup-view';
import { NOW, ORIGIN, PUBLIC_URL, RECENT, request, STATES, stateWith, tracked } from './popup-states';

/** Visitors are people: their country and anonymous tag, and each request opens its details. */

afterEach(cleanup);

const LOCAL_PAGE: PageInfo = { kind: 'loopback', tabId: 1, origin: ORIGIN, url: `${ORIGIN}/` };
const noop = () => undefined;
const ACTIONS: PopupActions = {
  share: noop,
  configure: noop,
  stop: noop,
  restart: noop,
  stopAll: noop,
  copy: noop,
  copyPassword: noop,
  open: noop,
  retry: noop,
  dismiss: noop,
};

function show(state: PortholeState) {
  const view = (next: PortholeState) => (
    <PopupView page={LOCAL_PAGE} state={next} now={NOW} copied={null} localError={null} actions={ACTIONS} />
  );
  const { rerender } = render(view(state));
  return { update: (next: PortholeState) => rerender(view(next)) };
}

const activity = () => screen.getByRole('region', { name: 'Visitors' });

describe('visitors', () => {
  it('the count shows where visitors come from, most requests first', () => {
    show(STATES.liveTraffic);
    const countries = activity().querySelector('.counts-countries') as HTMLElement;
    expect(countries.textContent).toBe(' · DE JP');
    expect(countries.getAttribute('title')).toBe('From Germany, Japan');
  });

  it('a row without a country says so in words, never shows an address', () => {
    show(STATES.liveTraffic);
    const rows = within(activity()).getAllByRole('listitem');
    expect(rows).toHaveLength(4);
    const who = rows.map((row) => row.querySelector('.request-who')?.getAttribute('title'));
    expect(who[0]).toBe('visitor v81c2 from Japan');
    expect(who[1]).toBe('visitor v3f9a from Germany');
    const unknown = stateWith(tracked({ state: 'live', url: PUBLIC_URL, traffic: { requests: 1, visitors: 0, recent: [RECENT[4]!] } }));
    cleanup();
    show(unknown);
    expect(within(activity()).getByRole('listitem').querySelector('.request-who')?.getAttribute('title')).toBe(
      'visitor v0b7e from an unknown country',
    );
  });
});

describe('the request inspector', () => {
  it('opens a request: status, timing, who, and both sets of headers with secrets hidden; back to the list', () => {
    show(STATES.liveTraffic);
    fireEvent.click(within(activity()).getAllByRole('button', { name: /^GET$/ })[1]!);
    const inspector = within(activity()).getByRole('region', { name: 'Request details' });
    expect(inspector.textContent).toContain(RECENT[1]!.path);
    expect(inspector.textContent).toContain('answered in 41 ms');
    expect(inspector.textContent).toContain('visitor v3f9a from Germany');
    const sent = within(inspector).getByRole('region', { name: 'Request headers' });
    const lines = [...sent.querySelectorAll('.header-line')].map((line) => [
      line.querySelector('dt')?.textContent,
      line.querySelector('dd')?.textContent,
    ]);
    expect(lines).toContainEqual(['user-agent', expect.stringContaining('iPhone')]);
    expect(lines).toContainEqual(['cookie', '…']);
    const received = within(inspector).getByRole('region', { name: 'Response headers' });
    expect(received.textContent).toContain('content-type');
    expect(within(activity()).queryByRole('list')).toBeNull();
    fireEvent.click(within(inspector).getByRole('button', { name: '← All requests' }));
    expect(within(activity()).queryByRole('region', { name: 'Request details' })).toBeNull();
    expect(within(activity()).getAllByRole('listitem')).toHaveLength(4);
  });

  it('keeps showing the opened request while new visits arrive', () => {
    const { update } = show(STATES.liveTraffic);
    fireEvent.click(within(within(activity()).getAllByRole('listitem')[0]!).getByRole('button'));
    const newer = request('GET', '/brand-new', 200, NOW + 100, 5, { visitor: 'vaaaa' });
    update(stateWith(tracked({ state: 'live', url: PUBLIC_URL, traffic: { requests: 15, visitors: 3, recent: [newer, ...RECENT] } })));
    const inspector = within(activity()).getByRole('region', { name: 'Request details' });
    expect(inspector.textContent).toContain('/favicon.ico');
    expect(inspector.textContent).not.toContain('/brand-new');
  });

  it('says when no headers were recorded (an older host)', () => {
    const bare = request('GET', '/', 200, NOW, 4, { requestHeaders: [], responseHeaders: [] });
    show(stateWith(tracked({ state: 'live', url: PUBLIC_URL, traffic: { requests: 1, visitors: 1, recent: [bare] } })));
    fireEvent.click(within(within(activity()).getByRole('listitem')).getByRole('button'));
    expect(within(activity()).getAllByText('None recorded.')).toHaveLength(2);
  });
});
