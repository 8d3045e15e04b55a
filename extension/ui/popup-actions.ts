/** What the popup's buttons ask for; the container (entrypoints/popup/App.tsx) carries them out. */
export interface PopupActions {
  share(): void;
  stop(shareId: string): void;
  /** Share again the origin of a share that ended on its own. */
  restart(shareId: string): void;
  stopAll(): void;
  copy(shareId: string, url: string): void;
  open(url: string): void;
  /** Ask the host again (after installing it, say). */
  retry(): void;
  /** Forget a failed share (its id) or the last error (null). */
  dismiss(shareId: string | null): void;
}
