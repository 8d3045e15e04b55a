import type { ShareSettings } from '../lib/protocol';

/** What was just copied, so its button can say "Copied" for a moment. */
export interface CopiedMark {
  shareId: string;
  what: 'url' | 'password';
}

/** What the popup's buttons ask for; the container (entrypoints/popup/App.tsx) carries them out. */
export interface PopupActions {
  /** Share this tab's page, with the password and expiry chosen under the Share button. */
  share(options: ShareSettings): void;
  /** Change a running share's password or expiry: absent is unchanged, null removes it. */
  configure(shareId: string, settings: ShareSettings): void;
  stop(shareId: string): void;
  /** Share again the origin of a share that ended on its own. */
  restart(shareId: string): void;
  stopAll(): void;
  copy(shareId: string, url: string): void;
  copyPassword(shareId: string, password: string): void;
  open(url: string): void;
  /** Ask the host again (after installing it, say). */
  retry(): void;
  /** Forget a failed share (its id) or the last error (null). */
  dismiss(shareId: string | null): void;
}
