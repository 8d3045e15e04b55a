/**
 * The first run: when Porthole is installed (not updated, not the browser updating), it opens its
 * welcome page, which checks the helper and shows how to pin the toolbar button.
 */
export const WELCOME_PATH = '/welcome.html';

export interface InstalledEvent {
  addListener(listener: (details: { reason: string }) => void): void;
}

export function openWelcomeOnInstall(onInstalled: InstalledEvent, openWelcome: () => Promise<unknown>): void {
  onInstalled.addListener(({ reason }) => {
    if (reason !== 'install') return;
    openWelcome().catch((error: unknown) => console.error('Porthole could not open its welcome page:', error));
  });
}

export type WelcomeOs = 'linux' | 'mac' | 'win' | 'other';
export type WelcomeBrowser = 'chromium' | 'firefox';

/** How to get the helper on this system: the installer, where it is, and what it does. */
export function installerFor(os: WelcomeOs): { file: string; how: string } {
  switch (os) {
    case 'linux':
      return {
        file: 'porthole_<version>_amd64.deb (or _arm64)',
        how: 'Install it with sudo apt install ./porthole_<version>_amd64.deb: it registers the helper for every browser.',
      };
    case 'win':
      return {
        file: 'porthole-<version>-win-x64.msi',
        how: 'Double-click it (no administrator needed): it installs the helper for your user and registers every browser.',
      };
    case 'mac':
      return {
        file: 'porthole-<version>-darwin-arm64.tar.gz (or -x64)',
        how: 'Unpack it and run sh install.sh: it registers the helper with every browser you have run.',
      };
    case 'other':
      return { file: 'the porthole-host executable for your system', how: 'Put it somewhere on your PATH, then run the command below.' };
  }
}

/** Where the pin is, in each browser family's own words. */
export function pinSteps(browser: WelcomeBrowser): string[] {
  return browser === 'firefox'
    ? [
        'Click the Extensions button (the puzzle piece) at the right of the toolbar.',
        'Click the gear next to Porthole, then Pin to Toolbar.',
      ]
    : ['Click the Extensions button (the puzzle piece) at the right of the toolbar.', 'Click the pin next to Porthole.'];
}
