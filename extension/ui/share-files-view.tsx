import { isLiveShare, type Share } from '../lib/protocol';
import { formatBytes, type UploadPlan } from '../lib/upload-plan';
import { ProblemBox } from './problem-box';
import { type ChosenSettings, SettingsFields, settingsHint } from './share-form';
import { ShortUrl } from './short-url';

/** How the files are served; every option is off unless ticked. */
export interface ChosenFolderOptions {
  spa: boolean;
  listing: boolean;
  dotfiles: boolean;
}

export const DEFAULT_FOLDER_OPTIONS: ChosenFolderOptions = { spa: false, listing: false, dotfiles: false };

export type FilesPhase =
  | { kind: 'empty' }
  | { kind: 'reading' }
  | { kind: 'picked'; plan: UploadPlan<Blob> }
  | { kind: 'sending'; plan: UploadPlan<Blob>; receivedBytes: number }
  /** Every byte is in: the host unpacks (a .zip) and starts the share. */
  | { kind: 'starting'; plan: UploadPlan<Blob> }
  /** The share as the background tracks it (null while its state has not arrived yet). */
  | { kind: 'shared'; plan: UploadPlan<Blob>; share: Share | null };

export interface ShareFilesActions {
  drop(transfer: DataTransfer): void;
  pick(files: FileList | null): void;
  setOptions(options: ChosenFolderOptions): void;
  setChosen(chosen: ChosenSettings): void;
  share(): void;
  cancel(): void;
  /** Back to the drop zone (other files). */
  reset(): void;
  copy(url: string): void;
  open(url: string): void;
  stop(shareId: string): void;
}

export interface ShareFilesViewProps {
  phase: FilesPhase;
  options: ChosenFolderOptions;
  chosen: ChosenSettings;
  /** The host's sentence (or the page's) for what went wrong last. */
  error: string | null;
  copied: boolean;
  actions: ShareFilesActions;
}

const OPTION_TEXT: { key: keyof ChosenFolderOptions; label: string; help: string }[] = [
  { key: 'spa', label: 'Single-page app', help: 'Unknown paths without a file extension get index.html.' },
  { key: 'listing', label: 'List folders', help: 'A folder without index.html shows its files.' },
  { key: 'dotfiles', label: 'Share dotfiles', help: 'Names starting with a dot (.env, .git) are sent and served too.' },
];

function summaryOf(plan: UploadPlan<Blob>): string {
  const what = plan.archive ? 'a .zip, unpacked by Porthole' : `${plan.files.length} file${plan.files.length === 1 ? '' : 's'}`;
  // "3 files (3 files, …)" says it twice.
  return what === plan.label ? formatBytes(plan.totalBytes) : `${what}, ${formatBytes(plan.totalBytes)}`;
}

function Summary({ plan }: { plan: UploadPlan<Blob> }) {
  return (
    <p class="origin-line files-summary">
      <span class="label">Public</span> <span class="origin files-label">{plan.label}</span>{' '}
      <span class="files-size">({summaryOf(plan)})</span>
      {plan.dotfilesLeftOut > 0 ? <span class="files-left-out"> · {plan.dotfilesLeftOut} starting with a dot left out</span> : null}
    </p>
  );
}

function DropZone({ actions, busy }: { actions: ShareFilesActions; busy: boolean }) {
  return (
    <section
      class="drop-zone"
      aria-label="Drop files here"
      onDragOver={(event) => {
        event.preventDefault();
        if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
      }}
      onDrop={(event) => {
        event.preventDefault();
        if (event.dataTransfer) actions.drop(event.dataTransfer);
      }}
    >
      <p class="drop-title">{busy ? 'Reading the files…' : 'Drop a folder, some files or a .zip here'}</p>
      <p class="drop-picks">
        <label class="pick-button">
          Pick a folder…
          <input
            type="file"
            class="visually-hidden"
            aria-label="Pick a folder"
            {...{ webkitdirectory: true }}
            onChange={(event) => actions.pick((event.currentTarget as HTMLInputElement).files)}
          />
        </label>
        <label class="pick-button">
          Pick files…
          <input
            type="file"
            class="visually-hidden"
            aria-label="Pick files"
            multiple
            onChange={(event) => actions.pick((event.currentTarget as HTMLInputElement).files)}
          />
        </label>
      </p>
      <p class="hint">A .zip is unpacked; a site zipped with its folder is served from that folder. At most 1 GB and 10,000 files.</p>
    </section>
  );
}

function Progress({ received, total, label }: { received: number; total: number; label: string }) {
  const percent = total === 0 ? 100 : Math.min(100, Math.round((received / total) * 100));
  return (
    <div class="upload-progress">
      <progress max={total || 1} value={total === 0 ? 1 : received} aria-label={label} />
      <p class="progress-text">
        {formatBytes(received)} of {formatBytes(total)} ({percent}%)
      </p>
    </div>
  );
}

/** The Share files page as a function of its state, so each state renders in tests without a host. */
export function ShareFilesView({ phase, options, chosen, error, copied, actions }: ShareFilesViewProps) {
  return (
    <main class="share-files">
      <header class="popup-head">
        <h1>Porthole · Share files</h1>
      </header>
      <p class="intro">Files you drop here are copied to a private temporary folder that Porthole deletes when the share stops.</p>
      {phase.kind === 'empty' || phase.kind === 'reading' ? <DropZone actions={actions} busy={phase.kind === 'reading'} /> : null}
      {phase.kind === 'picked' ? (
        <section class="share-panel">
          <Summary plan={phase.plan} />
          <fieldset class="folder-options">
            <legend>How to serve them</legend>
            {OPTION_TEXT.map(({ key, label, help }) => (
              <label key={key} class="choice">
                <input type="checkbox" checked={options[key]} onChange={() => actions.setOptions({ ...options, [key]: !options[key] })} />
                <span class="choice-label">{label}</span> <span class="muted">{help}</span>
              </label>
            ))}
          </fieldset>
          <form
            class="share-form"
            onSubmit={(event) => {
              event.preventDefault();
              actions.share();
            }}
          >
            <SettingsFields chosen={chosen} onChange={actions.setChosen} />
            <button type="submit" class="primary big">
              Share these files
            </button>
          </form>
          <p class="hint">{settingsHint(chosen)}</p>
          <button type="button" class="link-button" onClick={actions.reset}>
            Choose other files
          </button>
        </section>
      ) : null}
      {phase.kind === 'sending' || phase.kind === 'starting' ? (
        <section class="share-panel">
          <Summary plan={phase.plan} />
          <Progress
            received={phase.kind === 'sending' ? phase.receivedBytes : phase.plan.totalBytes}
            total={phase.plan.totalBytes}
            label="Sent to Porthole"
          />
          <p class="loading">
            {phase.kind === 'sending'
              ? 'Sending to Porthole…'
              : phase.plan.archive
                ? 'Unpacking and starting the share…'
                : 'Starting the share…'}
          </p>
          {phase.kind === 'sending' ? (
            <button type="button" class="stop" onClick={actions.cancel}>
              Cancel
            </button>
          ) : null}
        </section>
      ) : null}
      {phase.kind === 'shared' ? <Shared phase={phase} copied={copied} actions={actions} /> : null}
      {error ? <ProblemBox problem={{ message: error }} /> : null}
    </main>
  );
}

function Shared({
  phase,
  copied,
  actions,
}: {
  phase: Extract<FilesPhase, { kind: 'shared' }>;
  copied: boolean;
  actions: ShareFilesActions;
}) {
  const { share, plan } = phase;
  if (share !== null && !isLiveShare(share)) {
    return (
      <section class="share-panel">
        <Summary plan={plan} />
        <p class="ended-reason">
          {share.state === 'failed' ? (share.error?.message ?? 'The share failed.') : 'The share stopped.'} Porthole deleted its copy of the
          files.
        </p>
        <button type="button" class="primary big" onClick={actions.reset}>
          Share other files
        </button>
      </section>
    );
  }
  return (
    <section class="share-panel">
      <Summary plan={plan} />
      <div class="url-box">
        {share?.url ? (
          <>
            <ShortUrl class="public-url" url={share.url} href={share.url} />
            <div class="url-actions">
              <button type="button" onClick={() => share.url && actions.copy(share.url)}>
                {copied ? 'Copied' : 'Copy'}
              </button>
              <button type="button" onClick={() => share.url && actions.open(share.url)}>
                Open
              </button>
            </div>
          </>
        ) : (
          <p class="loading">Starting the tunnel…</p>
        )}
      </div>
      {share !== null ? (
        <button type="button" class="stop" onClick={() => actions.stop(share.id)}>
          Stop
        </button>
      ) : null}
    </section>
  );
}
