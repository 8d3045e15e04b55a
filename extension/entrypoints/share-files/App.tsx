import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { BackgroundCommands } from '../../lib/background-commands';
import { filesOfDrop, filesOfInput } from '../../lib/dropped-files';
import type { PortholeState } from '../../lib/porthole-state';
import { type PickedFile, planUpload } from '../../lib/upload-plan';
import { sendUpload, UploadCancelled } from '../../lib/upload-sender';
import {
  type ChosenFolderOptions,
  DEFAULT_FOLDER_OPTIONS,
  type FilesPhase,
  type ShareFilesActions,
  ShareFilesView,
} from '../../ui/share-files-view';
import { type ChosenSettings, OPEN_SHARE } from '../../ui/share-form';

export interface ShareFilesEnv {
  background: BackgroundCommands;
  readState(): Promise<PortholeState>;
  watchState(listener: (state: PortholeState) => void): () => void;
  writeClipboard(text: string): Promise<void>;
  openTab(url: string): void;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The Share files page's container: reads what was dropped or picked, plans it (upload-plan.ts),
 * sends it through the background (upload-sender.ts), then follows the share in the background's
 * state like the popup does.
 */
export function App({ env }: { env: ShareFilesEnv }) {
  const [picked, setPicked] = useState<PickedFile<File>[] | null>(null);
  const [phase, setPhase] = useState<FilesPhase>({ kind: 'empty' });
  const [options, setOptions] = useState<ChosenFolderOptions>(DEFAULT_FOLDER_OPTIONS);
  const [chosen, setChosen] = useState<ChosenSettings>(OPEN_SHARE);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [state, setState] = useState<PortholeState | null>(null);
  const abort = useRef<AbortController | null>(null);

  useEffect(() => {
    let live = true;
    const stop = env.watchState((next) => live && setState(next));
    void env.readState().then((stored) => live && setState((current) => current ?? stored));
    return () => {
      live = false;
      stop();
    };
  }, [env]);

  // The plan follows the dotfiles option: dotfiles are sent only when they will be served.
  useEffect(() => {
    if (picked === null) return;
    const planned = planUpload(picked, { dotfiles: options.dotfiles });
    if (planned.ok) {
      setError(null);
      setPhase((current) =>
        current.kind === 'empty' || current.kind === 'reading' || current.kind === 'picked'
          ? { kind: 'picked', plan: planned.plan }
          : current,
      );
    } else {
      setError(planned.message);
      setPhase({ kind: 'empty' });
    }
  }, [picked, options.dotfiles]);

  // The background drops a stopped share from its state: once seen there, its absence means it stopped.
  const seen = useRef(new Set<string>());
  let shownPhase: FilesPhase = phase;
  if (phase.kind === 'shared' && phase.share !== null) {
    const tracked = state?.shares[phase.share.id];
    if (tracked !== undefined) seen.current.add(phase.share.id);
    const share = tracked?.share ?? (seen.current.has(phase.share.id) ? { ...phase.share, state: 'stopped' as const } : phase.share);
    shownPhase = { ...phase, share };
  }

  const actions = useMemo<ShareFilesActions>(() => {
    const take = (files: PickedFile<File>[]) => {
      setPicked(files);
      if (files.length === 0) {
        setError('Nothing to share: that drop held no files.');
        setPhase({ kind: 'empty' });
      }
    };
    return {
      drop(transfer) {
        setError(null);
        setPhase({ kind: 'reading' });
        filesOfDrop(transfer).then(take, (failure: unknown) => {
          setError(`Could not read what was dropped: ${message(failure)}`);
          setPhase({ kind: 'empty' });
        });
      },
      pick(list) {
        setError(null);
        take(filesOfInput(list));
      },
      setOptions,
      setChosen,
      share() {
        if (phase.kind !== 'picked') return;
        const { plan } = phase;
        const controller = new AbortController();
        abort.current = controller;
        setError(null);
        setPhase({ kind: 'sending', plan, receivedBytes: 0 });
        sendUpload(plan, env.background, {
          options,
          settings: chosen,
          signal: controller.signal,
          onProgress: (receivedBytes) => setPhase({ kind: 'sending', plan, receivedBytes }),
          onEnding: () => setPhase({ kind: 'starting', plan }),
        }).then(
          (tracked) => setPhase({ kind: 'shared', plan, share: tracked?.share ?? null }),
          (failure: unknown) => {
            setPhase({ kind: 'picked', plan });
            setError(failure instanceof UploadCancelled ? null : message(failure));
          },
        );
      },
      cancel() {
        abort.current?.abort();
      },
      reset() {
        setPicked(null);
        setError(null);
        setPhase({ kind: 'empty' });
      },
      copy(url) {
        env.writeClipboard(url).then(
          () => {
            setCopied(true);
            setTimeout(() => setCopied(false), 2000);
          },
          (failure: unknown) => setError(`Could not copy: ${message(failure)}. Select the address and copy it by hand.`),
        );
      },
      open: (url) => env.openTab(url),
      stop(shareId) {
        env.background.stop(shareId).catch((failure: unknown) => setError(message(failure)));
      },
    };
  }, [env, phase, options, chosen]);

  return <ShareFilesView phase={shownPhase} options={options} chosen={chosen} error={error} copied={copied} actions={actions} />;
}
