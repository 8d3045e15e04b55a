import { cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { PortholeState } from '../../lib/porthole-state';
import type { PageInfo } from '../page-info';
import type { CopiedMark } from '../popup-actions';
import { PopupView } from '../popup-view';
import { actions } from './popup-actions-spies';
import { NOW, ORIGIN, STATES } from './popup-states';

afterEach(cleanup);

const LOCAL_PAGE: PageInfo = { kind: 'loopback', tabId: 1, origin: ORIGIN };
const OTHER_PAGE: PageInfo = { kind: 'other', tabId: 2, url: 'https://news.example.com/' };

function show(
  state: PortholeState | null,
  page: PageInfo = LOCAL_PAGE,
  extra: { copied?: CopiedMark | null; localError?: string | null; now?: number } = {},
) {
  const spy = actions();
  const view = (at: number, next: PortholeState | null) => (
    <PopupView page={page} state={next} now={at} copied={extra.copied ?? null} localError={extra.localError ?? null} actions={spy} />
  );
  const { rerender } = render(view(extra.now ?? NOW, state));
  return Object.assign(spy, { rerender: (next: PortholeState | null, at = extra.now ?? NOW) => rerender(view(at, next)) });
}

const button = (name: string | RegExp) => screen.getByRole('button', { name });
const currentStep = () => screen.getByRole('list', { name: 'Progress' }).querySelector('[aria-current="step"]')?.textContent ?? null;

describe('popup', () => {
  it('while loading shows a placeholder, never a blank popup', () => {
    show(null, { kind: 'loading' });
    expect(screen.getByText('Loading…')).toBeTruthy();
  });

  it('on a localhost page not yet shared: the origin and one big Share button', () => {
    const spy = show(STATES.notShared);
    expect(screen.getByText(ORIGIN)).toBeTruthy();
    fireEvent.click(button('Share this localhost tab'));
    // Open and without expiry unless the sharer chose otherwise.
    expect(spy.share).toHaveBeenCalledExactlyOnceWith({ password: null, expiresInMinutes: null });
    expect(screen.getByText('No active shares.')).toBeTruthy();
  });

  it('just after Share: "Starting cloudflared" is the step in progress, nothing to copy yet', () => {
    show(STATES.startingCloudflared);
    expect(currentStep()).toContain('Starting cloudflared');
    expect(screen.getByText('The public address appears here')).toBeTruthy();
    expect((button('Copy') as HTMLButtonElement).disabled).toBe(true);
    expect((button('Stop') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.queryByRole('button', { name: 'Share this localhost tab' })).toBeNull();
  });

  it('cloudflared running: "Getting a public address" in progress, Stop available', () => {
    const spy = show(STATES.gettingAddress);
    expect(currentStep()).toContain('Getting a public address');
    expect((button('Copy') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(button('Stop'));
    expect(spy.stop).toHaveBeenCalledWith('s1');
  });

  it('URL known: the address shows and can be copied before the tunnel is live', () => {
    const spy = show(STATES.urlKnown);
    expect(currentStep()).toContain('Connecting to Cloudflare');
    const link = screen.getByRole('link', { name: 'https://violet-owl-lamp.trycloudflare.com' });
    expect(link.getAttribute('href')).toBe('https://violet-owl-lamp.trycloudflare.com');
    fireEvent.click(button('Copy'));
    expect(spy.copy).toHaveBeenCalledWith('s1', 'https://violet-owl-lamp.trycloudflare.com');
  });

  it('live: the steps give way to the share’s summary, the URL with Copy, Open and Stop', () => {
    const spy = show(STATES.live);
    expect(screen.queryByRole('list', { name: 'Progress' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Add password' })).toBeTruthy();
    expect(screen.getByText(/Live: anyone with this address sees your page/)).toBeTruthy();
    fireEvent.click(button('Open'));
    expect(spy.open).toHaveBeenCalledWith('https://violet-owl-lamp.trycloudflare.com');
    fireEvent.click(button('Stop'));
    expect(spy.stop).toHaveBeenCalledWith('s1');
  });

  it('after Copy, the button says "Copied"', () => {
    show(STATES.live, LOCAL_PAGE, { copied: { shareId: 's1', what: 'url' } });
    const panel = screen.getByText('Sharing').closest('.share-panel') as HTMLElement;
    expect(within(panel).getByRole('button', { name: 'Copied' })).toBeTruthy();
    expect(within(panel).getByText('Copied to the clipboard.')).toBeTruthy();
  });

  it('when copied automatically, says so', () => {
    show(STATES.liveAutoCopied);
    expect(screen.getByText('Live, and copied to the clipboard automatically.')).toBeTruthy();
  });

  it('failed before it had an address: the host’s sentence and cloudflared’s detail, and Try again', () => {
    const spy = show(STATES.failed);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain(
      'Cloudflare is limiting quick tunnels from this network right now. Wait a few minutes, then share again.',
    );
    expect(alert.textContent).toContain('failed to request quick Tunnel: 429 Too Many Requests');
    expect(screen.queryByRole('button', { name: 'Restart' })).toBeNull();
    expect(screen.queryByText(/new address/)).toBeNull();
    fireEvent.click(button('Try again'));
    expect(spy.restart).toHaveBeenCalledWith('s1');
    expect(spy.share).not.toHaveBeenCalled();
    expect(screen.getByText('No active shares.')).toBeTruthy();
  });

  it('died after it was live: the reason, Restart, and that the address will change', () => {
    const spy = show(STATES.diedAfterLive);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('cloudflared stopped unexpectedly.');
    expect(alert.textContent).toContain('Connection terminated');
    const hint = screen.getByText(/A quick tunnel gets a new address each time it starts/);
    expect(hint.textContent).toBe(
      'A quick tunnel gets a new address each time it starts: https://violet-owl-lamp.trycloudflare.com won’t work again.',
    );
    // The dead address is not a link, nor copyable: nothing suggests it still works.
    expect(screen.queryByRole('link')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Copy' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull();
    fireEvent.click(button('Restart'));
    expect(spy.restart).toHaveBeenCalledWith('s1');
    fireEvent.click(within(alert).getByRole('button', { name: 'Dismiss' }));
    expect(spy.dismiss).toHaveBeenCalledWith('s1');
    // Not counted as active, and not listed twice: the panel above shows it.
    expect(screen.getByText('No active shares.')).toBeTruthy();
    expect(screen.queryByRole('heading', { name: /Ended on their own/ })).toBeNull();
  });

  it('on another page, a share that ended on its own is listed with why, Restart and Dismiss', () => {
    const spy = show(STATES.endedElsewhere, OTHER_PAGE);
    expect(screen.getByRole('heading', { name: 'Active shares (1)' })).toBeTruthy();
    const ended = screen.getByRole('list', { name: 'Ended on their own (1)' });
    const row = within(ended).getByRole('listitem');
    expect(row.textContent).toContain('http://localhost:8080');
    expect(row.textContent).toContain('cloudflared stopped unexpectedly.');
    expect(row.textContent).not.toContain('https://gone-away.trycloudflare.com');
    fireEvent.click(within(row).getByRole('button', { name: 'Restart sharing http://localhost:8080' }));
    expect(spy.restart).toHaveBeenCalledWith('b');
    fireEvent.click(within(row).getByRole('button', { name: 'Dismiss http://localhost:8080' }));
    expect(spy.dismiss).toHaveBeenCalledWith('b');
  });

  it('on the page of a share that ended, the list does not repeat it', () => {
    show(STATES.endedElsewhere, { kind: 'loopback', tabId: 3, origin: 'http://127.0.0.1:8080' });
    expect(screen.getByRole('button', { name: 'Restart' })).toBeTruthy();
    expect(screen.queryByRole('heading', { name: /Ended on their own/ })).toBeNull();
  });

  it('an error for this page from the last request is shown above the Share button', () => {
    show({
      ...STATES.notShared,
      lastError: { message: 'cloudflared is not installed. Run porthole-host doctor.', origin: ORIGIN, at: NOW },
    });
    expect(screen.getByRole('alert').textContent).toContain('cloudflared is not installed. Run porthole-host doctor.');
    expect(button('Share this localhost tab')).toBeTruthy();
  });

  it('host not installed: the setup message with the install command, and no Share button', () => {
    const spy = show(STATES.hostMissing);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Install the Porthole helper');
    expect(screen.getByText('porthole-host install')).toBeTruthy();
    expect(screen.getByText('npm start')).toBeTruthy();
    expect(alert.textContent).toContain('Specified native messaging host not found.');
    expect(screen.queryByRole('button', { name: /Share/ })).toBeNull();
    fireEvent.click(button('Check again'));
    expect(spy.retry).toHaveBeenCalledOnce();
  });

  it('host not installed shows the setup message on any page', () => {
    show(STATES.hostMissing, OTHER_PAGE);
    expect(screen.getByText('porthole-host install')).toBeTruthy();
  });

  it('host stopped: says so with the browser’s reason', () => {
    show(STATES.hostStopped);
    expect(screen.getByRole('alert').textContent).toMatch(/helper stopped.*Native host has exited\./s);
  });

  it('a host too old for this extension: says to update the host, before anyone clicks Share', () => {
    const spy = show(STATES.hostTooOld);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Update the Porthole helper');
    expect(alert.textContent).toContain('0.9.0');
    expect(alert.textContent).toMatch(/would not apply a share’s password/);
    expect(screen.queryByRole('button', { name: 'Share this localhost tab' })).toBeNull();
    fireEvent.click(button('Check again'));
    expect(spy.retry).toHaveBeenCalledOnce();
  });

  it('a host too new for this extension: says to update the extension', () => {
    show(STATES.hostTooNew);
    expect(screen.getByRole('alert').textContent).toMatch(/Update the Porthole extension.*3\.0\.0/s);
    expect(screen.queryByRole('button', { name: 'Share this localhost tab' })).toBeNull();
  });

  it('a newer host that still reads this protocol: the Share button as usual', () => {
    show(STATES.hostNewerCompatible);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(button('Share this localhost tab')).toBeTruthy();
  });

  it('a host without cloudflared: the host’s sentence, before anyone clicks Share', () => {
    show(STATES.noCloudflared);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('cloudflared is missing');
    expect(alert.textContent).toContain('Reinstall Porthole, which bundles it, or set PORTHOLE_CLOUDFLARED.');
    expect(screen.queryByRole('button', { name: 'Share this localhost tab' })).toBeNull();
  });

  it('on another page: a short explanation and every active share with Copy and Stop', () => {
    const spy = show(STATES.otherShares, OTHER_PAGE);
    expect(screen.getByText('Not a local page')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Share this localhost tab' })).toBeNull();
    expect(screen.getByRole('heading', { name: 'Active shares (2)' })).toBeTruthy();

    const rows = screen.getAllByRole('listitem');
    expect(rows).toHaveLength(2);
    const [first, second] = rows as [HTMLElement, HTMLElement];
    expect(first.textContent).toContain('http://localhost:3000');
    expect(first.textContent).toContain('https://first-one.trycloudflare.com');
    expect(first.textContent).toContain('Live');
    expect(first.textContent).toContain('for 3 min');
    expect(second.textContent).toContain('http://127.0.0.1:8080');
    expect(second.textContent).toContain('Waiting for an address…');
    expect(second.textContent).toContain('Starting');
    expect(second.textContent).toContain('for 4 s');

    fireEvent.click(within(first).getByRole('button', { name: 'Copy the address of http://localhost:3000' }));
    expect(spy.copy).toHaveBeenCalledWith('a', 'https://first-one.trycloudflare.com');
    expect((within(second).getByRole('button', { name: /Copy/ }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(within(second).getByRole('button', { name: 'Stop sharing http://127.0.0.1:8080' }));
    expect(spy.stop).toHaveBeenCalledWith('b');
    fireEvent.click(button('Stop all'));
    expect(spy.stopAll).toHaveBeenCalledOnce();
  });

  it('a failure of the popup itself is shown too', () => {
    show(STATES.live, LOCAL_PAGE, { localError: 'Could not copy: denied. Select the address and copy it by hand.' });
    expect(screen.getByText('Could not copy: denied. Select the address and copy it by hand.')).toBeTruthy();
  });

  it('every control is a real button (reachable with Tab and Enter)', () => {
    show(STATES.otherShares, OTHER_PAGE);
    for (const control of screen.getAllByRole('button')) expect(control.tagName).toBe('BUTTON');
  });
});
