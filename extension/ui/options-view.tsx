import type { Preferences } from '../lib/preferences';
import { AccountSection, type AccountSectionProps } from './account-section';
import { ProblemBox } from './problem-box';

const CHOICES: Array<{ key: keyof Preferences; label: string; help: string }> = [
  {
    key: 'copyWhenReady',
    label: 'Copy the public address automatically',
    help: 'As soon as a share has its address, put it on the clipboard, ready to paste.',
  },
  {
    key: 'stopWhenTabCloses',
    label: 'Stop a share when its tab closes',
    help: 'Closing the tab a share was started from ends the share.',
  },
];

/**
 * The options page as a pure function of the preferences (null while they load) and, below them,
 * the Cloudflare account for stable addresses (absent: not shown).
 */
export function OptionsView({
  preferences,
  onChange,
  account,
  localError = null,
}: {
  preferences: Preferences | null;
  onChange: (change: Partial<Preferences>) => void;
  account?: AccountSectionProps;
  /** The background could not run a command, or the clipboard refused. */
  localError?: string | null;
}) {
  return (
    <main class="options">
      <h1>Porthole options</h1>
      {CHOICES.map(({ key, label, help }) => (
        <label key={key} class="choice">
          <input
            type="checkbox"
            checked={preferences?.[key] ?? false}
            disabled={preferences === null}
            onChange={(event) => onChange({ [key]: event.currentTarget.checked })}
          />
          <span>
            <span class="choice-label">{label}</span>
            <span class="choice-help">{help}</span>
          </span>
        </label>
      ))}
      {localError ? <ProblemBox problem={{ message: localError }} /> : null}
      {account ? <AccountSection {...account} /> : null}
    </main>
  );
}
