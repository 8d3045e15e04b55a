import { useState } from 'preact/hooks';
import type { RememberedAddress } from '../lib/address-memory';
import type { StableTarget } from '../lib/porthole-state';
import { type AddressChoice, MAX_PASSWORD_LENGTH, type ShareSettings } from '../lib/protocol';
import { type AddressDraft, AddressFields, addressOfDraft } from './address-choice';
import { EXPIRY_CHOICES, minutesOf } from './expiry-choices';
import { GenerateButton } from './generate-password';

/** What the sharer picks before sharing: a password (null: none) and an expiry (null: never). */
export type ChosenSettings = Required<Pick<ShareSettings, 'password' | 'expiresInMinutes'>>;

export const OPEN_SHARE: ChosenSettings = { password: null, expiresInMinutes: null };

/** The stable address on offer: where it goes (the account's zone, or token mode's one hostname), what this server had last, the name to propose. */
export interface StableOffer {
  target: StableTarget;
  remembered: RememberedAddress | null;
  /** From the page's title or port (stable-name.ts), when nothing is remembered. */
  defaultName: string;
}

/**
 * The Share button with its two optional settings folded above it under one "Options" disclosure
 * (Enter shares), and a hint that says what they will do. The summary names what is chosen, so a
 * closed disclosure never hides a password about to be applied. With a stable address on offer, the
 * choice of address comes first; a stable name that the host would refuse keeps the button off.
 */
export function ShareForm({
  onShare,
  stable = null,
}: {
  onShare: (settings: ShareSettings, address?: AddressChoice) => void;
  stable?: StableOffer | null;
}) {
  const [chosen, setChosen] = useState<ChosenSettings>(OPEN_SHARE);
  const [draft, setDraft] = useState<AddressDraft>(() => ({
    kind: stable?.remembered?.kind ?? 'quick',
    name: stable?.remembered?.name ?? stable?.defaultName ?? '',
  }));
  const address = stable ? addressOfDraft(draft, stable.target) : null;
  return (
    <>
      <form
        class="share-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (address === null) onShare(chosen);
          else if (address.ok) onShare(chosen, address.address);
        }}
      >
        {stable ? <AddressFields target={stable.target} draft={draft} onChange={setDraft} /> : null}
        <details class="options">
          <summary>
            Options<span class="options-chosen">{chosenSummary(chosen)}</span>
          </summary>
          <SettingsFields chosen={chosen} onChange={setChosen} />
        </details>
        <button type="submit" class="primary big" disabled={address !== null && !address.ok}>
          Share this localhost tab
        </button>
      </form>
      <p class="hint">{address?.ok && address.address.kind === 'stable' ? stableHint(chosen) : settingsHint(chosen)}</p>
    </>
  );
}

/** Two small optional fields under the Share button. */
export function SettingsFields({ chosen, onChange }: { chosen: ChosenSettings; onChange: (chosen: ChosenSettings) => void }) {
  return (
    <div class="share-options">
      <div class="option-row">
        <label class="option-label" for="share-password">
          Protect with password
        </label>
        <span class="option-field">
          <input
            id="share-password"
            type="text"
            class="password-input"
            value={chosen.password ?? ''}
            placeholder="optional"
            maxLength={MAX_PASSWORD_LENGTH}
            autocomplete="off"
            spellcheck={false}
            onInput={(event) => onChange({ ...chosen, password: event.currentTarget.value === '' ? null : event.currentTarget.value })}
          />
          <GenerateButton onPick={(password) => onChange({ ...chosen, password })} />
        </span>
      </div>
      <label class="option-row">
        <span class="option-label">Expires after</span>
        <select
          value={chosen.expiresInMinutes === null ? 'never' : String(chosen.expiresInMinutes)}
          onChange={(event) => onChange({ ...chosen, expiresInMinutes: minutesOf(event.currentTarget.value) })}
        >
          {EXPIRY_CHOICES.map((choice) => (
            <option key={choice.label} value={choice.minutes === null ? 'never' : String(choice.minutes)}>
              {choice.label}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

/** What the closed Options say is chosen: " · password, 1 h", or nothing for an open share without end. */
function chosenSummary({ password, expiresInMinutes }: ChosenSettings): string {
  const parts = [
    password !== null ? 'password' : null,
    expiresInMinutes !== null
      ? (EXPIRY_CHOICES.find((choice) => choice.minutes === expiresInMinutes)?.label ?? `${expiresInMinutes} min`)
      : null,
  ];
  const chosen = parts.filter((part) => part !== null);
  return chosen.length > 0 ? ` · ${chosen.join(', ')}` : ' · password, expiry';
}

/** The hint for a stable address: it outlives the share, unlike a quick one. */
function stableHint(chosen: ChosenSettings): string {
  return `${settingsHint(chosen)} Sharing this server again gives the same address.`;
}

/** The hint under the Share button, saying what the chosen settings will do. */
export function settingsHint({ password, expiresInMinutes }: ChosenSettings): string {
  const label = EXPIRY_CHOICES.find((choice) => choice.minutes === expiresInMinutes)?.label ?? `${expiresInMinutes} min`;
  const until = expiresInMinutes === null ? 'until you stop sharing' : `for ${label}, or until you stop sharing`;
  return password === null
    ? `Anyone with the public address can open this page ${until}.`
    : `Visitors need the password to open this page ${until}: the page asks for it.`;
}
