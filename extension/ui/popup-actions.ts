import type { BackgroundCommands, UploadCommandName } from '../lib/background-commands';
import type { AddressChoice, ShareSettings } from '../lib/protocol';

/** What was just copied, so its button can say "Copied" for a moment. */
export interface CopiedMark {
  shareId: string;
  what: 'url' | 'password';
}

/** The background's commands as buttons call them: fire and forget, the outcome arrives in the state. */
type Commands = { [Name in keyof BackgroundCommands]: (...args: Parameters<BackgroundCommands[Name]>) => void };

/** The account is the options page's business (options-view.tsx), not the popup's. */
type AccountCommand = 'account' | 'connect' | 'connectToken' | 'disconnect';

/**
 * What the popup's buttons ask for: the background's commands (stop, restart, configure, …), and
 * what the popup does itself. The container (entrypoints/popup/App.tsx) provides them.
 */
export interface PopupActions extends Omit<Commands, 'share' | 'refresh' | 'shareFolder' | UploadCommandName | AccountCommand> {
  /**
   * Share this tab's page, with the password and expiry chosen under the Share button, on the
   * address chosen there (absent: quick, where no account is connected).
   */
  share(settings: ShareSettings, address?: AddressChoice): void;
  /** Share a folder of this computer: a `file://` tab's folder or one above it (absent where the view never offers it). */
  shareFolder?(folder: string, settings: ShareSettings): void;
  /** Opens the Share files page in a tab (absent where the view never offers it). */
  openShareFiles?(): void;
  /** Ask the host again (after installing it, say). */
  retry(): void;
  copy(shareId: string, url: string): void;
  copyPassword(shareId: string, password: string): void;
  open(url: string): void;
  /** Opens Porthole's options page (where the Cloudflare account is connected); absent where the view never offers it. */
  openOptions?(): void;
}
