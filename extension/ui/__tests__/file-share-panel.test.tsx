import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { filePageOf } from '../../lib/file-page';
import type { PortholeState } from '../../lib/porthole-state';
import type { PageInfo } from '../page-info';
import type { PopupActions } from '../popup-actions';
import { PopupView } from '../popup-view';
import { NOW, TEST_HELLO_STATE, tracked } from './file-share-states';

afterEach(cleanup);

const PAGE: PageInfo = { kind: 'file', tabId: 3, file: filePageOf('file:///home/me/site/docs/index.html')! };

function show(state: PortholeState) {
  const actions = {
    share: vi.fn(),
    configure: vi.fn(),
    copyPassword: vi.fn(),
    stop: vi.fn(),
    restart: vi.fn(),
    stopAll: vi.fn(),
    copy: vi.fn(),
    open: vi.fn(),
    retry: vi.fn(),
    dismiss: vi.fn(),
    shareFolder: vi.fn<NonNullable<PopupActions['shareFolder']>>(),
  } satisfies PopupActions;
  render(<PopupView page={PAGE} state={state} now={NOW} copied={null} localError={null} actions={actions} />);
  return actions;
}

describe('the popup on a file:// page', () => {
  it('says which folder becomes public, lets the user pick its parent, then shares that one', () => {
    const actions = show(TEST_HELLO_STATE);
    expect(screen.getByText('/home/me/site/docs')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Use the parent folder instead' }));
    expect(screen.getByText('/home/me/site')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Share this folder' }));
    expect(actions.shareFolder).toHaveBeenCalledWith('/home/me/site', { password: null, expiresInMinutes: null });
  });

  it('gives the public link to this same page once the folder is shared', () => {
    const state: PortholeState = {
      ...TEST_HELLO_STATE,
      shares: { s1: tracked({ state: 'live', url: 'https://violet-owl.trycloudflare.com', kind: 'folder', folder: '/home/me/site' }) },
    };
    const actions = show(state);
    const link = 'https://violet-owl.trycloudflare.com/docs/index.html';
    expect(screen.getAllByText(link).length).toBeGreaterThan(0);
    fireEvent.click(screen.getAllByRole('button', { name: 'Copy' })[0]!);
    expect(actions.copy).toHaveBeenCalledWith('s1', link);
  });
});

describe('the share list', () => {
  it('names a folder share by its folder, a server by its origin', async () => {
    const { shareLabel } = await import('../share-list');
    expect(shareLabel({ origin: 'http://127.0.0.1:41234', kind: 'folder', folder: '/home/me/site' })).toBe('folder /home/me/site');
    expect(shareLabel({ origin: 'http://localhost:5173', kind: 'server', folder: null })).toBe('http://localhost:5173');
    expect(shareLabel({ origin: 'http://localhost:5173' })).toBe('http://localhost:5173');
  });
});
