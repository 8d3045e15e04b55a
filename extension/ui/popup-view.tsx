import type { RememberedAddress } from '../lib/address-memory';
import { hostSetupProblem } from '../lib/host-reachability';
import { failedShares, liveShares, type PortholeState, sameServer, stableTarget } from '../lib/porthole-state';
import { defaultStableName } from '../lib/stable-name';
import { FileSharePanel } from './file-share-panel';
import { HostProblem } from './host-problem';
import type { PageInfo } from './page-info';
import type { CopiedMark, PopupActions } from './popup-actions';
import { ProblemBox } from './problem-box';
import type { StableOffer } from './share-form';
import { ShareList } from './share-list';
import { SharePanel } from './share-panel';

export interface PopupViewProps {
  page: PageInfo;
  /** null until the stored state has been read. */
  state: PortholeState | null;
  now: number;
  /** What was just copied (a share's address or password): its button says "Copied". */
  copied: CopiedMark | null;
  /** A failure of the popup itself (the clipboard, the background not answering). */
  localError: string | null;
  actions: PopupActions;
  /** The address this tab's server was last shared on (address-memory.ts); undefined while it loads. */
  remembered?: RememberedAddress | null;
}

/**
 * The whole popup as a pure function of its props, so every state can be rendered in tests and
 * screenshots without a background or a host.
 */
export function PopupView({ page, state, now, copied, localError, actions, remembered }: PopupViewProps) {
  const ready = state !== null && page.kind !== 'loading';
  const setupProblem = state === null ? null : hostSetupProblem(state.host, state.hello);
  const generalProblem = state?.lastError && (page.kind !== 'loopback' || state.lastError.origin !== page.origin) ? state.lastError : null;
  return (
    <main class="popup" aria-busy={!ready}>
      <header class="popup-head">
        <h1>Porthole</h1>
        {/* In the title's row, so that it costs the popup no height (every state fits 600 px). */}
        {ready && !setupProblem && actions.openShareFiles && state.hello?.features?.includes('upload') !== false ? (
          <button
            type="button"
            class="link-button share-files-link"
            title="Drop a folder, some files or a .zip and get a public link"
            onClick={actions.openShareFiles}
          >
            Share files…
          </button>
        ) : null}
      </header>
      <section class="current">
        {!ready ? (
          <p class="loading">Loading…</p>
        ) : setupProblem ? (
          <HostProblem problem={setupProblem} onRetry={actions.retry} />
        ) : page.kind === 'loopback' ? (
          <SharePanel
            origin={page.origin}
            pageUrl={page.url}
            state={state}
            now={now}
            copied={copied}
            actions={actions}
            stable={stableOffer(state, page.origin, page.title, remembered)}
            formKey={formKey(state, remembered)}
          />
        ) : page.kind === 'file' ? (
          <FileSharePanel file={page.file} state={state} copied={copied} actions={actions} />
        ) : (
          <div class="not-local">
            <h2>Not a local page</h2>
            <p>
              Porthole shares pages served from this computer: <code>localhost</code>, <code>*.localhost</code>, <code>127.0.0.1</code>,{' '}
              <code>[::1]</code> or <code>0.0.0.0</code>, on any port. Open your dev server in this tab, then click Porthole again.
            </p>
          </div>
        )}
      </section>
      {localError ? <ProblemBox problem={{ message: localError }} /> : null}
      {generalProblem ? <ProblemBox problem={generalProblem} onDismiss={() => actions.dismiss(null)} /> : null}
      {ready ? (
        <ShareList
          shares={liveShares(state)}
          ended={failedShares(state).filter((tracked) => page.kind !== 'loopback' || !sameServer(tracked.share.origin, page.origin))}
          now={now}
          copied={copied}
          actions={actions}
          currentOrigin={page.kind === 'loopback' ? page.origin : null}
        />
      ) : null}
    </main>
  );
}

/** The stable address the share form offers: only with a connected account, named as last time or from the page. */
function stableOffer(
  state: PortholeState,
  origin: string,
  title: string | undefined,
  remembered: RememberedAddress | null | undefined,
): StableOffer | null {
  const target = stableTarget(state);
  if (target === null) return null;
  return { target, remembered: remembered ?? null, defaultName: defaultStableName(origin, title) };
}

/**
 * The share form starts from what is remembered and what is on offer: it starts again when either
 * arrives (the remembered address loads, the account becomes known or changes), never on other renders.
 */
function formKey(state: PortholeState, remembered: RememberedAddress | null | undefined): string {
  const target = stableTarget(state);
  const offer = target === null ? 'quick-only' : target.mode === 'cert' ? `zone:${target.zone}` : `host:${target.hostname}`;
  return `${remembered === undefined ? 'remembering' : 'remembered'}|${offer}`;
}
