import { cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { RATE_LIMIT_WAIT_MS } from '../../lib/error-text';
import type { PortholeState } from '../../lib/porthole-state';
import { formatClock } from '../format-duration';
import type { PageInfo } from '../page-info';
import { PopupView } from '../popup-view';
import { actions } from './popup-actions-spies';
import { NOW, ORIGIN, PUBLIC_URL, STATES } from './popup-states';

/** The popup at a glance: what the person reads without working for it. */

afterEach(cleanup);

const LOCAL_PAGE: PageInfo = { kind: 'loopback', tabId: 1, origin: ORIGIN, url: `${ORIGIN}/` };

function show(state: PortholeState, options: { page?: PageInfo; now?: number } = {}) {
  const spy = actions();
  const view = (now: number) => (
    <PopupView page={options.page ?? LOCAL_PAGE} state={state} now={now} copied={null} localError={null} actions={spy} />
  );
  const { rerender } = render(view(options.now ?? NOW));
  return { spy, at: (now: number) => rerender(view(now)) };
}

describe('the share list', () => {
  it('highlights the current tab’s share once, without a second Copy and Stop, and bounds the list', () => {
    show(STATES.manyShares);
    const list = screen.getByRole('region', { name: /Active shares \(4\)/ }).querySelector('.active-shares') as HTMLElement;
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(4);
    const current = items.filter((item) => item.getAttribute('aria-current') === 'true');
    expect(current).toHaveLength(1);
    expect(current[0]!.textContent).toContain('this tab');
    // Its Copy and Stop are the panel's: the row has none of its own.
    expect(within(current[0]!).queryAllByRole('button')).toHaveLength(0);
    expect(screen.getAllByRole('button', { name: 'Copy' })).toHaveLength(1);
    expect(within(list).getAllByRole('button', { name: /^Copy the address of/ })).toHaveLength(3);
    // Each address on one line, whole on hover.
    const address = within(list).getByTitle('https://first-one.trycloudflare.com');
    // What is shown (shortened by CSS) and what a screen reader reads are both the whole address.
    expect(address.querySelector('[aria-hidden="true"]')?.textContent).toBe('https://first-one.trycloudflare.com');
    expect(address.querySelector('.visually-hidden')?.textContent).toBe('https://first-one.trycloudflare.com');
  });
});

describe('the Share form', () => {
  it('folds password and expiry under one Options disclosure above the Share button, naming what is chosen', () => {
    show(STATES.notShared);
    const form = screen.getByRole('button', { name: 'Share this localhost tab' }).closest('form') as HTMLFormElement;
    const options = form.querySelector('details.options') as HTMLDetailsElement;
    expect(options.open).toBe(false);
    // Above the button, in reading order.
    expect(
      options.compareDocumentPosition(within(form).getByRole('button', { name: 'Share this localhost tab' })) &
        Node.DOCUMENT_POSITION_FOLLOWING,
    ).toBeTruthy();
    expect(options.querySelector('summary')?.textContent).toBe('Options · password, expiry');
    fireEvent.input(within(form).getByRole('textbox', { name: 'Protect with password' }), { target: { value: 'correct horse' } });
    fireEvent.change(within(form).getByRole('combobox', { name: 'Expires after' }), { target: { value: '60' } });
    expect(options.querySelector('summary')?.textContent).toBe('Options · password, 1 h');
  });
});

describe('a share on its way', () => {
  it('after 10 s says it is taking longer than usual and what it waits for', () => {
    const { at } = show(STATES.takingLonger, { now: NOW - 6_000 });
    expect(screen.queryByText(/Taking longer than usual/)).toBeNull();
    at(NOW);
    expect(screen.getByRole('status').textContent).toBe(
      'Taking longer than usual… waiting for trycloudflare.com to hand out an address; Porthole gives up after 45 s.',
    );
  });
});

describe('errors', () => {
  it('a timeout says no answer came in 45 s, with cloudflared’s line folded under Details', () => {
    show(STATES.timedOut);
    const alert = screen.getByRole('alert');
    expect(alert.querySelector('.problem-message')?.textContent).toMatch(/^No answer from trycloudflare\.com in 45 s\./);
    expect(alert.textContent).not.toMatch(/answered with an error/);
    const details = alert.querySelector('details') as HTMLDetailsElement;
    expect(details.open).toBe(false);
    expect(details.querySelector('summary')?.textContent).toBe('Details');
    expect(details.textContent).toContain('no address from trycloudflare.com after 45 s');
  });

  it('the rate limit says from when it is worth trying again', () => {
    show(STATES.failed);
    const retry = formatClock(NOW - 1000 + RATE_LIMIT_WAIT_MS, false);
    expect(screen.getByRole('alert').querySelector('.problem-message')?.textContent).toContain(`Worth trying again from ${retry}.`);
  });

  it('addresses in an error are links', () => {
    const state: PortholeState = {
      ...STATES.notShared,
      lastError: { message: 'Cloudflare is down: see https://www.cloudflarestatus.com.', origin: ORIGIN, at: NOW },
    };
    show(state);
    const link = within(screen.getByRole('alert')).getByRole('link', { name: 'https://www.cloudflarestatus.com' });
    expect(link.getAttribute('href')).toBe('https://www.cloudflarestatus.com');
  });
});

describe('a share the host restarted', () => {
  it('says the address changed, as news, and shows the new link', () => {
    show(STATES.restarted);
    const notice = screen.getByRole('status');
    expect(notice.textContent).toMatch(/^The address changed: cloudflared restarted\./);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByRole('link', { name: 'https://fresh-new-name.trycloudflare.com' })).toBeTruthy();
  });
});

describe('one name for the helper', () => {
  it('the missing-helper view calls it the Porthole helper (porthole-host)', () => {
    show(STATES.hostMissing);
    const alert = screen.getByRole('alert');
    expect(alert.querySelector('h2')?.textContent).toBe('Install the Porthole helper');
    expect(alert.textContent).toContain('the Porthole helper (porthole-host)');
  });
});

void PUBLIC_URL;
