import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { planUpload, type UploadPlan } from '../../lib/upload-plan';
import type { PopupActions } from '../popup-actions';
import { PopupView } from '../popup-view';
import { DEFAULT_FOLDER_OPTIONS, type FilesPhase, type ShareFilesActions, ShareFilesView } from '../share-files-view';
import { OPEN_SHARE } from '../share-form';
import { ShareList } from '../share-list';
import { NOW, TEST_HELLO_STATE } from './file-share-states';
import { PUBLIC_URL, share } from './popup-states';

afterEach(cleanup);

function planOf(paths: [string, number][], dotfiles = false): UploadPlan<Blob> {
  const planned = planUpload(
    paths.map(([path, size]) => ({ path, size, file: new Blob([]) })),
    { dotfiles },
  );
  if (!planned.ok) throw new Error(planned.message);
  return planned.plan;
}

const DIST = planOf([
  ['dist/index.html', 1000],
  ['dist/css/site.css', 2048],
  ['dist/.env', 10],
]);

function show(phase: FilesPhase, error: string | null = null) {
  const actions: ShareFilesActions = {
    drop: vi.fn(),
    pick: vi.fn(),
    setOptions: vi.fn(),
    setChosen: vi.fn(),
    share: vi.fn(),
    cancel: vi.fn(),
    reset: vi.fn(),
    copy: vi.fn(),
    open: vi.fn(),
    stop: vi.fn(),
  };
  render(
    <ShareFilesView phase={phase} options={DEFAULT_FOLDER_OPTIONS} chosen={OPEN_SHARE} error={error} copied={false} actions={actions} />,
  );
  return actions;
}

describe('the Share files page', () => {
  it('starts with a drop zone and both pickers', () => {
    show({ kind: 'empty' });
    expect(screen.getByText('Drop a folder, some files or a .zip here')).toBeTruthy();
    expect(screen.getByLabelText('Pick a folder').hasAttribute('webkitdirectory')).toBe(true);
    expect((screen.getByLabelText('Pick files') as HTMLInputElement).multiple).toBe(true);
  });

  it('hands a drop to its action', () => {
    const actions = show({ kind: 'empty' });
    fireEvent.drop(screen.getByRole('region', { name: 'Drop files here' }), { dataTransfer: { files: [], items: [] } });
    expect(actions.drop).toHaveBeenCalledTimes(1);
  });

  it('says what becomes public before sending: the folder, its files and size, the dotfiles left out', () => {
    const actions = show({ kind: 'picked', plan: DIST });
    expect(screen.getByText('dist')).toBeTruthy();
    expect(screen.getByText('(2 files, 3.0 KB)')).toBeTruthy();
    expect(screen.getByText(/1 starting with a dot left out/)).toBeTruthy();
    fireEvent.click(screen.getByRole('checkbox', { name: /Single-page app/ }));
    expect(actions.setOptions).toHaveBeenCalledWith({ spa: true, listing: false, dotfiles: false });
    fireEvent.click(screen.getByRole('button', { name: 'Share these files' }));
    expect(actions.share).toHaveBeenCalled();
  });

  it('shows the progress of the bytes sent, with Cancel', () => {
    const actions = show({ kind: 'sending', plan: DIST, receivedBytes: 1536 });
    const bar = screen.getByLabelText('Sent to Porthole') as HTMLProgressElement;
    expect(bar.value).toBe(1536);
    expect(bar.max).toBe(3048);
    expect(screen.getByText('1.5 KB of 3.0 KB (50%)')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(actions.cancel).toHaveBeenCalled();
  });

  it('says a .zip is being unpacked once every byte is in', () => {
    const zip = planOf([['site.zip', 5000]]);
    show({ kind: 'starting', plan: zip });
    expect(screen.getByText(/a \.zip, unpacked by Porthole/)).toBeTruthy();
    expect(screen.getByText('Unpacking and starting the share…')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();
  });

  it('gives the link with Copy, Open and Stop once live', () => {
    const live = share({ id: 'f1', state: 'live', url: PUBLIC_URL, kind: 'files', label: 'dist' });
    const actions = show({ kind: 'shared', plan: DIST, share: live });
    expect(screen.getByRole('link', { name: PUBLIC_URL })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Copy' }));
    expect(actions.copy).toHaveBeenCalledWith(PUBLIC_URL);
    fireEvent.click(screen.getByRole('button', { name: 'Stop' }));
    expect(actions.stop).toHaveBeenCalledWith('f1');
  });

  it('says the copy was deleted once the share stopped, and shows the host’s sentence on a refusal', () => {
    show(
      { kind: 'shared', plan: DIST, share: share({ state: 'stopped' }) },
      'The archive was not unpacked: "link" is a symbolic link, which could point outside the upload.',
    );
    expect(screen.getByText(/The share stopped\. Porthole deleted its copy of the files\./)).toBeTruthy();
    expect(screen.getByText(/is a symbolic link/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Share other files' })).toBeTruthy();
  });
});

describe('the share list', () => {
  it('names each share by what it serves: a server, a folder, dropped files', () => {
    const actions = { stop: vi.fn(), stopAll: vi.fn(), copy: vi.fn(), restart: vi.fn(), dismiss: vi.fn() } as never;
    render(
      <ShareList
        shares={[
          { share: share({ id: 'a' }), tabId: 1, whenUrlKnown: null, copiedAt: null },
          {
            share: share({ id: 'b', origin: 'http://127.0.0.1:4001', kind: 'folder', folder: '/home/me/site' }),
            tabId: null,
            whenUrlKnown: null,
            copiedAt: null,
          },
          {
            share: share({ id: 'c', origin: 'http://127.0.0.1:4002', kind: 'files', label: 'site.zip' }),
            tabId: null,
            whenUrlKnown: null,
            copiedAt: null,
          },
        ]}
        ended={[]}
        now={Date.now()}
        copied={null}
        actions={actions}
      />,
    );
    expect(screen.getByText('http://localhost:5173')).toBeTruthy();
    expect(screen.getByText('folder /home/me/site')).toBeTruthy();
    expect(screen.getByText('dropped files: site.zip')).toBeTruthy();
  });
});

describe('the popup', () => {
  it('offers Share files… on any page, in the title row, and opens the page', () => {
    const openShareFiles = vi.fn();
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
      openShareFiles,
    } satisfies PopupActions;
    render(
      <PopupView
        page={{ kind: 'other', tabId: 1, url: 'https://example.com/' }}
        state={TEST_HELLO_STATE}
        now={NOW}
        copied={null}
        localError={null}
        actions={actions}
      />,
    );
    const button = screen.getByRole('button', { name: 'Share files…' });
    expect(button.closest('header')).toBeTruthy();
    fireEvent.click(button);
    expect(openShareFiles).toHaveBeenCalled();
  });

  it('hides it for a host without the upload feature', () => {
    const state = { ...TEST_HELLO_STATE, hello: { ...TEST_HELLO_STATE.hello!, features: ['gateway', 'folder'] } };
    render(
      <PopupView
        page={{ kind: 'other', tabId: 1, url: null }}
        state={state}
        now={NOW}
        copied={null}
        localError={null}
        actions={{ openShareFiles: vi.fn() } as unknown as PopupActions}
      />,
    );
    expect(screen.queryByRole('button', { name: 'Share files…' })).toBeNull();
  });
});
