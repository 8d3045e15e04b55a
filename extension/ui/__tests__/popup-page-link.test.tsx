import { cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { PageInfo } from '../page-info';
import { PopupView } from '../popup-view';
import { splitForMiddle } from '../short-url';
import { actions } from './popup-actions-spies';
import { NOW, ORIGIN, PUBLIC_URL, STATES } from './popup-states';

/** The link the popup offers is the page in the tab, on the public address. */

afterEach(cleanup);

const pageAt = (url: string): PageInfo => ({ kind: 'loopback', tabId: 1, origin: ORIGIN, url });
const PAGE_LINK = `${PUBLIC_URL}/dashboard/settings?tab=2#billing`;

function show(page: PageInfo) {
  const spy = actions();
  const view = (next: PageInfo) => <PopupView page={next} state={STATES.live} now={NOW} copied={null} localError={null} actions={spy} />;
  const { rerender } = render(view(page));
  return { spy, moveTo: (next: PageInfo) => rerender(view(next)) };
}

const panel = () => screen.getByText('Sharing').closest('.share-panel') as HTMLElement;

describe('the page link', () => {
  it('Copy, Open, the link and the QR code all give the tab’s page with its path, query and fragment', async () => {
    const { spy } = show(pageAt('http://localhost:5173/dashboard/settings?tab=2#billing'));
    const link = within(panel()).getByRole('link', { name: PAGE_LINK });
    expect(link.getAttribute('href')).toBe(PAGE_LINK);
    // Whole in the text (copy by hand), full on hover.
    expect(link.textContent).toBe(PAGE_LINK);
    expect(link.getAttribute('title')).toBe(PAGE_LINK);
    fireEvent.click(within(panel()).getByRole('button', { name: 'Copy' }));
    expect(spy.copy).toHaveBeenCalledWith('s1', PAGE_LINK);
    fireEvent.click(within(panel()).getByRole('button', { name: 'Open' }));
    expect(spy.open).toHaveBeenCalledWith(PAGE_LINK);
    fireEvent.click(screen.getByRole('button', { name: 'Show QR code' }));
    expect(await screen.findByRole('img', { name: `QR code of ${PAGE_LINK}` })).toBeTruthy();
  });

  it('follows the tab to another page of the same server; the share list keeps the root', () => {
    const { moveTo, spy } = show(pageAt('http://localhost:5173/'));
    expect(within(panel()).getByRole('link', { name: PUBLIC_URL })).toBeTruthy();
    moveTo(pageAt('http://127.0.0.1:5173/blog/post-1'));
    expect(within(panel()).getByRole('link', { name: `${PUBLIC_URL}/blog/post-1` })).toBeTruthy();
    fireEvent.click(within(panel()).getByRole('button', { name: 'Copy' }));
    expect(spy.copy).toHaveBeenLastCalledWith('s1', `${PUBLIC_URL}/blog/post-1`);
  });
});

describe('splitForMiddle', () => {
  it('keeps a short address whole and cuts a long one before its last characters', () => {
    expect(splitForMiddle('https://a.trycloudflare.com')).toEqual(['https://a.trycloudflare.com', '']);
    const [head, tail] = splitForMiddle(PAGE_LINK);
    expect(head + tail).toBe(PAGE_LINK);
    expect(tail).toBe('ings?tab=2#billing');
  });
});
