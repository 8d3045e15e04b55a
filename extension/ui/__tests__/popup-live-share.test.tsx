import { cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { PortholeState } from '../../lib/porthole-state';
import type { Share } from '../../lib/protocol';
import { formatClock } from '../format-duration';
import type { PageInfo } from '../page-info';
import type { CopiedMark } from '../popup-actions';
import { PopupView } from '../popup-view';
import { actions } from './popup-actions-spies';
import { NOW, ORIGIN, ORIGIN_DOWN, PUBLIC_URL, RECENT, STATES, stateWith, tracked } from './popup-states';

/** The popup's share controls and what it shows of a running share: traffic, password, expiry, warnings, QR. */

afterEach(cleanup);

const LOCAL_PAGE: PageInfo = { kind: 'loopback', tabId: 1, origin: ORIGIN };

function show(state: PortholeState, options: { page?: PageInfo; now?: number; copied?: CopiedMark | null } = {}) {
  const spy = actions();
  const view = (next: PortholeState, now: number) => (
    <PopupView page={options.page ?? LOCAL_PAGE} state={next} now={now} copied={options.copied ?? null} localError={null} actions={spy} />
  );
  const { rerender } = render(view(state, options.now ?? NOW));
  return { spy, update: (next: PortholeState, now = options.now ?? NOW) => rerender(view(next, now)) };
}

/** The same share with a new patch, as the next host event would carry it. */
function live(patch: Partial<Share>): PortholeState {
  return stateWith(tracked({ state: 'live', url: PUBLIC_URL, ...patch }));
}

const panel = () => screen.getByText('Sharing').closest('.share-panel') as HTMLElement;
const activity = () => screen.getByRole('region', { name: 'Visitors' });
const rows = () => within(activity()).queryAllByRole('listitem');

describe('traffic', () => {
  it('shows the counters and the last requests, newest first, capped at four rows', () => {
    show(STATES.liveTraffic);
    expect(within(activity()).getByText('2 visitors · 14 requests')).toBeTruthy();
    const list = within(activity()).getByRole('list', { name: 'Last requests, newest first' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(4);
    const [first, second] = rows() as [HTMLElement, HTMLElement];
    // Method, path, the visitor's country and anonymous tag, status, time.
    expect(first.textContent).toBe(`GET/favicon.icoJPv81c2404${formatClock(RECENT[0]!.at)}`);
    expect(first.querySelector('.request-who')?.getAttribute('title')).toBe('visitor v81c2 from Japan');
    expect(first.querySelector('.request-status')?.className).toContain('status-error');
    // A long path is cut by CSS, whole in its title, in a monospace cell.
    const path = second.querySelector('.request-path') as HTMLElement;
    expect(path.getAttribute('title')).toBe(RECENT[1]!.path);
    expect(path.textContent).toBe(RECENT[1]!.path);
  });

  it('a refused visit, a WebSocket and a visitor who left are told apart', () => {
    show(live({ traffic: { requests: 3, visitors: 1, recent: RECENT.slice(4) } }));
    const [refused, socket, gone] = rows() as [HTMLElement, HTMLElement, HTMLElement];
    expect(refused.querySelector('.request-status')?.getAttribute('title')).toBe('401: no or wrong password, in 1 ms');
    expect(socket.querySelector('.request-status')?.textContent).toBe('WS');
    expect(gone.querySelector('.request-status')?.textContent).toBe('–');
  });

  it('follows the host’s pushes in place: same list, same rows, new text', () => {
    const { update } = show(live({}));
    expect(within(activity()).getByText('0 visitors · 0 requests')).toBeTruthy();
    // No empty box before the first visit: only the counters and the QR toggle.
    expect(activity().querySelector('.activity-body')).toBeNull();
    expect(within(activity()).queryByRole('list')).toBeNull();

    update(live({ traffic: { requests: 1, visitors: 1, recent: [RECENT[3]!] } }));
    expect(within(activity()).getByText('1 visitor · 1 request')).toBeTruthy();
    expect(rows()).toHaveLength(1);
    const firstRow = rows()[0];
    const body = activity().querySelector('.activity-body');
    expect(body).not.toBeNull();

    update(live({ traffic: { requests: 14, visitors: 2, recent: RECENT } }));
    expect(within(activity()).getByText('2 visitors · 14 requests')).toBeTruthy();
    expect(rows()).toHaveLength(4);
    // Rows are reused by position, and the block is the same element: nothing is rebuilt or moved.
    expect(rows()[0]).toBe(firstRow);
    expect(activity().querySelector('.activity-body')).toBe(body);
    expect(rows()[0]!.textContent).toContain('/favicon.ico');
  });

  it('lists visitors, password and expiry for every active share', () => {
    show(STATES.otherShares, { page: { kind: 'other', tabId: 9, url: 'https://example.com/' } });
    const row = screen.getAllByRole('listitem')[0]!;
    const [state, traffic] = row.querySelectorAll('.share-meta');
    // The icons' titles are their words.
    expect(state?.textContent).toBe('Live · for 3 min · password-protected · stops in 45:00');
    expect(within(row).getByRole('img', { name: 'password-protected' })).toBeTruthy();
    expect(within(row).getByRole('img', { name: 'stops in' })).toBeTruthy();
    expect(traffic?.textContent).toBe('1 visitor · 9 requests');
  });
});

describe('password', () => {
  it('a protected share says so, never shows the password, and lets the sharer copy or remove it', () => {
    const { spy } = show(STATES.livePasswordExpiry);
    const row = panel().querySelector('.password-row') as HTMLElement;
    expect(row.textContent).toContain('Password');
    expect(row.textContent).toContain('••••••••');
    expect(document.body.textContent).not.toContain('correct-horse');
    expect(screen.getByText('Live: anyone with this address and the password sees your page.')).toBeTruthy();
    fireEvent.click(within(row).getByRole('button', { name: 'Copy the password' }));
    expect(spy.copyPassword).toHaveBeenCalledWith('s1', 'correct-horse');
    fireEvent.click(within(row).getByRole('button', { name: 'Remove the password' }));
    expect(spy.configure).toHaveBeenCalledWith('s1', { password: null });
  });

  it('after Copy, the password’s button says "Copied" and the address’s does not', () => {
    show(STATES.livePasswordExpiry, { copied: { shareId: 's1', what: 'password' } });
    const row = panel().querySelector('.password-row') as HTMLElement;
    expect(within(row).getByRole('button', { name: 'Copied' })).toBeTruthy();
    expect(within(panel().querySelector('.actions') as HTMLElement).getByRole('button', { name: 'Copy' })).toBeTruthy();
  });

  it('on a live open share: Add password, type, Enter sets it with configure; Escape gives up', () => {
    const { spy, update } = show(live({}));
    fireEvent.click(screen.getByRole('button', { name: 'Add password' }));
    const input = screen.getByRole('textbox', { name: 'New password for visitors' }) as HTMLInputElement;
    expect(document.activeElement).toBe(input);
    expect((screen.getByRole('button', { name: 'Protect' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.input(input, { target: { value: 'open sesame' } });
    fireEvent.submit(input.form!);
    expect(spy.configure).toHaveBeenCalledExactlyOnceWith('s1', { password: 'open sesame' });
    // The field stays until the host has it (a refused one can be corrected), then focus goes on.
    expect(screen.getByRole('textbox', { name: 'New password for visitors' })).toBeTruthy();
    update({ ...live({}), lastError: { message: 'The host refused it.', origin: ORIGIN, at: NOW } });
    expect((screen.getByRole('textbox', { name: 'New password for visitors' }) as HTMLInputElement).value).toBe('open sesame');
    expect(within(panel()).getByRole('alert').textContent).toContain('The host refused it.');
    update(live({ password: 'open sesame' }));
    expect(screen.queryByRole('textbox', { name: 'New password for visitors' })).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Copy the password' }));

    // Removed: focus on Add password; Escape gives up an edit.
    fireEvent.click(screen.getByRole('button', { name: 'Remove the password' }));
    update(live({ password: null }));
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Add password' }));
    fireEvent.click(screen.getByRole('button', { name: 'Add password' }));
    fireEvent.keyDown(screen.getByRole('textbox', { name: 'New password for visitors' }), { key: 'Escape' });
    expect(screen.queryByRole('textbox', { name: 'New password for visitors' })).toBeNull();
    expect(spy.configure).toHaveBeenCalledTimes(2);
  });

  it('a password the host refused: its sentence in the panel, the share still live', () => {
    const { spy } = show(STATES.configureRefused);
    const alert = within(panel()).getByRole('alert');
    expect(alert.textContent).toContain('"password" must be a string of 1 to 256 characters');
    fireEvent.click(within(alert).getByRole('button', { name: 'Dismiss' }));
    expect(spy.dismiss).toHaveBeenCalledWith(null);
    expect(within(panel()).getByRole('link', { name: PUBLIC_URL })).toBeTruthy();
  });
});

describe('expiry', () => {
  it('counts down from expiresAt, a second at a time', () => {
    const { update } = show(STATES.livePasswordExpiry);
    const timer = within(panel()).getByRole('timer');
    expect(timer.textContent).toBe('stops in 14:32');
    update(STATES.livePasswordExpiry, NOW + 61_000);
    expect(timer.textContent).toBe('stops in 13:31');
    update(STATES.livePasswordExpiry, NOW + 14 * 60_000 + 31_500);
    expect(timer.textContent).toBe('stops in 0:01');
    // Over an hour, hours and minutes.
    update(live({ expiresAt: NOW + 3 * 3_600_000 + 59 * 60_000 }));
    expect(within(panel()).getByRole('timer').textContent).toBe('stops in 3 h 59 min');
  });

  it('is changed from now with the select, or removed; the current one stays selected', () => {
    const { spy } = show(STATES.livePasswordExpiry);
    const select = within(panel()).getByRole('combobox', { name: 'Expires' }) as HTMLSelectElement;
    expect([...select.options].map((option) => option.textContent)).toEqual([
      `at ${formatClock(NOW + 14 * 60_000 + 32_000, false)}`,
      'never',
      'in 15 min',
      'in 1 h',
      'in 4 h',
    ]);
    expect(select.value).toBe('keep');
    fireEvent.change(select, { target: { value: '60' } });
    expect(spy.configure).toHaveBeenLastCalledWith('s1', { expiresInMinutes: 60 });
    // Until the host has applied it, the select says what is in force.
    expect(select.value).toBe('keep');
    fireEvent.change(select, { target: { value: 'never' } });
    expect(spy.configure).toHaveBeenLastCalledWith('s1', { expiresInMinutes: null });
  });

  it('a share without expiry shows "never" and no countdown', () => {
    const { spy } = show(STATES.live);
    const select = within(panel()).getByRole('combobox', { name: 'Expires' }) as HTMLSelectElement;
    expect(select.value).toBe('never');
    expect(within(panel()).queryByRole('timer')).toBeNull();
    fireEvent.change(select, { target: { value: '15' } });
    expect(spy.configure).toHaveBeenCalledWith('s1', { expiresInMinutes: 15 });
  });

  it('when the time was up: a quiet notice, not an alarm, and Share again', () => {
    const { spy } = show(STATES.expired);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByRole('status').textContent).toContain('stopped by itself: its time was up');
    fireEvent.click(screen.getByRole('button', { name: 'Share this localhost tab' }));
    expect(spy.share).toHaveBeenCalledOnce();
  });
});

describe('before sharing', () => {
  it('a password and an expiry chosen under the button go with Share', () => {
    const { spy } = show(STATES.notShared);
    const password = screen.getByRole('textbox', { name: 'Protect with password' });
    const expiry = screen.getByRole('combobox', { name: 'Expires after' }) as HTMLSelectElement;
    expect([...expiry.options].map((option) => option.textContent)).toEqual(['Never', '15 min', '1 h', '4 h']);
    fireEvent.input(password, { target: { value: 'hunter2' } });
    fireEvent.change(expiry, { target: { value: '240' } });
    expect(
      screen.getByText('Visitors need the password to open this page for 4 h, or until you stop sharing: the page asks for it.'),
    ).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Share this localhost tab' }));
    expect(spy.share).toHaveBeenCalledExactlyOnceWith({ password: 'hunter2', expiresInMinutes: 240 });
  });

  it('Enter in the password field shares, keyboard only', () => {
    const { spy } = show(STATES.notShared);
    const password = screen.getByRole('textbox', { name: 'Protect with password' }) as HTMLInputElement;
    fireEvent.input(password, { target: { value: 'pw' } });
    fireEvent.submit(password.form!);
    expect(spy.share).toHaveBeenCalledWith({ password: 'pw', expiresInMinutes: null });
  });

  it('the fields take at most what the host accepts', () => {
    show(STATES.notShared);
    expect((screen.getByRole('textbox', { name: 'Protect with password' }) as HTMLInputElement).maxLength).toBe(256);
  });
});

describe('warnings', () => {
  it('the host’s sentence while the local server is down, in place of the hint; gone when it is back', () => {
    const { update } = show(STATES.liveOriginDown);
    const warning = panel().querySelector('.warning') as HTMLElement;
    expect(warning.textContent).toBe(ORIGIN_DOWN);
    expect(warning.getAttribute('data-code')).toBe('origin-unreachable');
    // The local address in it is a link, to check the server from here.
    expect(within(warning).getByRole('link', { name: 'http://localhost:5173' }).getAttribute('href')).toBe('http://localhost:5173');
    expect(within(panel()).queryByText(/^Live:/)).toBeNull();
    // Still live: the address works and can be copied and stopped.
    expect((within(panel()).getByRole('button', { name: 'Copy' }) as HTMLButtonElement).disabled).toBe(false);
    expect(document.querySelector('.share-list')?.textContent).toContain('1 visitor · 1 request · local server down');

    update(live({ warnings: [] }));
    expect(panel().querySelector('.warning')).toBeNull();
    expect(within(panel()).getByText('Live: anyone with this address sees your page.')).toBeTruthy();
  });
});

describe('QR code', () => {
  it('the toggle shows the address as an SVG QR code in the traffic block, and hides it again', async () => {
    show(STATES.liveTraffic);
    const toggle = within(activity()).getByRole('button', { name: 'Show QR code' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    // The button says what it does now.
    expect(toggle.textContent).toBe('Hide QR code');
    // The generator is loaded on first use.
    const qr = await within(activity()).findByRole('img', { name: `QR code of ${PUBLIC_URL}` });
    expect(qr.tagName.toLowerCase()).toBe('svg');
    // 41 bytes at level M: version 3, 29 modules a side.
    expect(qr.getAttribute('data-modules')).toBe('29');
    expect(rows()).toHaveLength(0);
    // The counters stay in view.
    expect(within(activity()).getByText('2 visitors · 14 requests')).toBeTruthy();
    fireEvent.click(toggle);
    expect(within(activity()).queryByRole('img')).toBeNull();
    expect(toggle.textContent).toBe('Show QR code');
    expect(rows()).toHaveLength(4);
  });

  it('cannot be shown before there is an address', () => {
    show(STATES.gettingAddress);
    expect((within(activity()).getByRole('button', { name: 'Show QR code' }) as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('keyboard', () => {
  it('every control of a live share is a native button, field or select', () => {
    show(STATES.livePasswordExpiry);
    for (const control of panel().querySelectorAll('button, input, select, [tabindex], [onclick]')) {
      expect(['BUTTON', 'INPUT', 'SELECT']).toContain(control.tagName);
    }
    expect(panel().querySelectorAll('[tabindex="-1"]')).toHaveLength(0);
  });
});
