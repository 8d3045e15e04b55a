import { useState } from 'preact/hooks';
import { type FilePage, parentFolder, publicPageLink } from '../lib/file-page';
import { liveShares, type PortholeState, type TrackedShare } from '../lib/porthole-state';
import type { CopiedMark, PopupActions } from './popup-actions';
import { type ChosenSettings, OPEN_SHARE, SettingsFields, settingsHint } from './share-form';

export interface FileSharePanelProps {
  file: FilePage;
  state: PortholeState;
  copied: CopiedMark | null;
  actions: PopupActions;
}

/** The running folder share that holds this file, if any. */
function shareOfFile(state: PortholeState, file: FilePage): TrackedShare | null {
  return (
    liveShares(state).find((tracked) => tracked.share.folder != null && publicPageLink('https://x', tracked.share.folder, file) !== null) ??
    null
  );
}

/**
 * The popup on a page opened from disk: says which folder becomes public before anything is shared
 * (a site's assets are often one level up, so a parent can be picked instead), then gives the
 * public link to this same page.
 */
export function FileSharePanel({ file, state, copied, actions }: FileSharePanelProps) {
  const [folder, setFolder] = useState(file.folder);
  const [chosen, setChosen] = useState<ChosenSettings>(OPEN_SHARE);
  const tracked = shareOfFile(state, file);

  if (tracked !== null && tracked.share.folder != null) {
    const { share } = tracked;
    const link = share.url === null ? null : publicPageLink(share.url, share.folder ?? '', file);
    return (
      <div class="share-panel file-share">
        <p class="origin-line">
          <span class="label">Public folder</span> <span class="origin folder">{share.folder}</span>
        </p>
        <div class="url-box">
          {link ? (
            <>
              <a class="url page-link" href={link} target="_blank" rel="noreferrer">
                {link}
              </a>
              <div class="url-actions">
                <button type="button" onClick={() => actions.copy(share.id, link)}>
                  {copied?.shareId === share.id && copied.what === 'url' ? 'Copied' : 'Copy'}
                </button>
                <button type="button" onClick={() => actions.open(link)}>
                  Open
                </button>
              </div>
            </>
          ) : (
            <p class="loading">Starting the tunnel…</p>
          )}
        </div>
        <button type="button" class="stop" onClick={() => actions.stop(share.id)}>
          Stop
        </button>
      </div>
    );
  }

  const parent = parentFolder(file, folder);
  return (
    <div class="share-panel file-share">
      <p class="origin-line">
        <span class="label">This tab</span> <span class="origin">a file on this computer</span>
      </p>
      <p class="folder-line">
        Everything in <code class="folder">{folder}</code> becomes public (files starting with a dot excepted).
      </p>
      <p class="folder-choice">
        {parent !== null ? (
          <button type="button" class="link parent-folder" onClick={() => setFolder(parent)}>
            Use the parent folder instead
          </button>
        ) : null}
        {folder !== file.folder ? (
          <button type="button" class="link page-folder" onClick={() => setFolder(file.folder)}>
            Back to this page’s folder
          </button>
        ) : null}
      </p>
      <form
        class="share-form"
        onSubmit={(event) => {
          event.preventDefault();
          actions.shareFolder?.(folder, chosen);
        }}
      >
        <button type="submit" class="primary big">
          Share this folder
        </button>
        <SettingsFields chosen={chosen} onChange={setChosen} />
      </form>
      <p class="hint">{settingsHint(chosen)}</p>
    </div>
  );
}
