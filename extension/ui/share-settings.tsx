import { useEffect, useRef, useState } from 'preact/hooks';
import type { Share, ShareOptions } from '../lib/protocol';
import { formatClock, formatCountdown } from './format-duration';
import type { CopiedMark, PopupActions } from './popup-actions';

/**
 * Password and expiry, the two things a sharer may want to control: chosen before sharing
 * (ShareOptionsFields) and changed on a live share (LiveSummary, where the steps were).
 */

export const EXPIRY_CHOICES = [
  { minutes: null, label: 'Never', fromNow: 'never' },
  { minutes: 15, label: '15 min', fromNow: 'in 15 min' },
  { minutes: 60, label: '1 h', fromNow: 'in 1 h' },
  { minutes: 240, label: '4 h', fromNow: 'in 4 h' },
] as const;

export const MAX_PASSWORD_LENGTH = 256;
/** The host refuses shorter ones (native-host/src/protocol/validate.ts): anyone with the address can guess. */
export const MIN_PASSWORD_LENGTH = 8;

/** No 0/O, 1/l/I: read aloud or typed from a phone without doubt. */
const PASSWORD_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/** A strong password for one click: 16 random characters (80 bits) in groups of four, `abcd-efgh-…`. */
export function generatePassword(random: (bytes: Uint8Array) => Uint8Array = (bytes) => crypto.getRandomValues(bytes)): string {
  // 256 is a multiple of the alphabet's 32 letters: every letter is equally likely.
  const letters = Array.from(random(new Uint8Array(16)), (byte) => PASSWORD_ALPHABET[byte % PASSWORD_ALPHABET.length]);
  return [0, 4, 8, 12].map((at) => letters.slice(at, at + 4).join('')).join('-');
}

function GenerateButton({ onPick }: { onPick: (password: string) => void }) {
  return (
    <button type="button" class="small" aria-label="Generate a strong password" title="Generate a strong password" onClick={() => onPick(generatePassword())}>
      Generate
    </button>
  );
}

/** What the sharer picked before sharing; an empty password is no password. */
export interface ShareDraft {
  password: string;
  /** Minutes, or null for never. */
  expiresInMinutes: number | null;
}

export const EMPTY_DRAFT: ShareDraft = { password: '', expiresInMinutes: null };

export function draftToOptions(draft: ShareDraft): ShareOptions {
  return { password: draft.password === '' ? null : draft.password, expiresInMinutes: draft.expiresInMinutes };
}

const minutesOf = (value: string): number | null => (value === 'never' ? null : Number(value));

/** Before sharing: two small optional fields under the Share button, part of its form (Enter shares). */
export function ShareOptionsFields({ draft, onChange }: { draft: ShareDraft; onChange: (draft: ShareDraft) => void }) {
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
            value={draft.password}
            placeholder="optional"
            maxLength={MAX_PASSWORD_LENGTH}
            autocomplete="off"
            spellcheck={false}
            onInput={(event) => onChange({ ...draft, password: event.currentTarget.value })}
          />
          <GenerateButton onPick={(password) => onChange({ ...draft, password })} />
        </span>
      </div>
      <label class="option-row">
        <span class="option-label">Expires after</span>
        <select
          value={draft.expiresInMinutes === null ? 'never' : String(draft.expiresInMinutes)}
          onChange={(event) => onChange({ ...draft, expiresInMinutes: minutesOf(event.currentTarget.value) })}
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

/** The hint under the Share button, saying what the chosen settings will do. */
export function draftHint(draft: ShareDraft): string {
  const until = draft.expiresInMinutes === null ? 'until you stop sharing' : `for ${EXPIRY_CHOICES.find((choice) => choice.minutes === draft.expiresInMinutes)?.label ?? `${draft.expiresInMinutes} min`}, or until you stop sharing`;
  return draft.password === ''
    ? `Anyone with the public address can open this page ${until}.`
    : `Visitors need the password to open this page ${until}: the page asks for it.`;
}

export interface LiveSummaryProps {
  share: Share;
  now: number;
  copied: CopiedMark | null;
  actions: PopupActions;
}

/**
 * A live share's settings in two rows, in the space the steps took: its password (copy, remove, or
 * add one) and its expiry (a countdown, and a select to change it).
 */
export function LiveSummary({ share, now, copied, actions }: LiveSummaryProps) {
  return (
    <div class="live-summary">
      <PasswordRow share={share} copied={copied?.shareId === share.id && copied.what === 'password'} actions={actions} />
      <ExpiryRow share={share} now={now} actions={actions} />
    </div>
  );
}

function PasswordRow({ share, copied, actions }: { share: Share; copied: boolean; actions: PopupActions }) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const row = useRef<HTMLParagraphElement>(null);
  /**
   * Set by Protect and Remove to the password they change: once the host has changed it, focus goes
   * to the new row's first button rather than being lost with the button that was clicked.
   */
  const refocusAfter = useRef<{ from: string | null } | null>(null);
  const password = share.password ?? null;
  useEffect(() => {
    if (editing) input.current?.focus();
  }, [editing]);
  // The edit ends when the host has a new password (this one, or one set elsewhere): until then the
  // field stays, so a password the host refuses can be corrected.
  useEffect(() => setEditing(false), [password]);
  useEffect(() => {
    if (editing || refocusAfter.current === null || refocusAfter.current.from === password) return;
    refocusAfter.current = null;
    row.current?.querySelector('button')?.focus();
  });

  if (editing) {
    return (
      <form
        class="summary-row password-row"
        onSubmit={(event) => {
          event.preventDefault();
          if (value === '') return;
          refocusAfter.current = { from: password };
          actions.configure(share.id, { password: value });
        }}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.preventDefault();
            setEditing(false);
          }
        }}
      >
        <input
          ref={input}
          type="text"
          class="password-input"
          aria-label="New password for visitors"
          placeholder="Password for visitors"
          value={value}
          maxLength={MAX_PASSWORD_LENGTH}
          autocomplete="off"
          spellcheck={false}
          onInput={(event) => setValue(event.currentTarget.value)}
        />
        <GenerateButton onPick={setValue} />
        <button type="submit" class="small" disabled={value === ''}>
          Protect
        </button>
        <button type="button" class="small" onClick={() => setEditing(false)}>
          Cancel
        </button>
      </form>
    );
  }
  if (password !== null) {
    return (
      <p class="summary-row password-row" ref={row}>
        <span class="summary-label">Password</span>
        <span class="password-mask" title="Visitors type this password on the share’s sign-in page (scripts: basic auth, any user name)">
          ••••••••
        </span>
        <span class="row-actions">
          <button type="button" class="small" aria-label={copied ? 'Copied' : 'Copy the password'} onClick={() => actions.copyPassword(share.id, password)}>
            {copied ? 'Copied' : 'Copy'}
          </button>
          <button
            type="button"
            class="small"
            aria-label="Remove the password"
            onClick={() => {
              refocusAfter.current = { from: password };
              actions.configure(share.id, { password: null });
            }}
          >
            Remove
          </button>
        </span>
      </p>
    );
  }
  return (
    <p class="summary-row password-row" ref={row}>
      <span class="summary-label">Password</span>
      <span class="muted">none</span>
      <span class="row-actions">
        <button
          type="button"
          class="small"
          onClick={() => {
            setValue('');
            setEditing(true);
          }}
        >
          Add password
        </button>
      </span>
    </p>
  );
}

function ExpiryRow({ share, now, actions }: { share: Share; now: number; actions: PopupActions }) {
  const expiresAt = share.expiresAt ?? null;
  return (
    <p class="summary-row expiry-row">
      <label class="summary-label" for={`expiry-${share.id}`}>
        Expires
      </label>
      {/* Picking a choice counts from now; the current expiry stays selected until then. */}
      <select
        id={`expiry-${share.id}`}
        value={expiresAt === null ? 'never' : 'keep'}
        onChange={(event) => {
          const select = event.currentTarget;
          const value = select.value;
          // The select shows what the host has: the choice shows once the host applied it, not before.
          select.value = expiresAt === null ? 'never' : 'keep';
          if (value !== 'keep') actions.configure(share.id, { expiresInMinutes: minutesOf(value) });
        }}
      >
        {expiresAt !== null ? <option value="keep">at {formatClock(expiresAt, false)}</option> : null}
        {EXPIRY_CHOICES.map((choice) => (
          <option key={choice.label} value={choice.minutes === null ? 'never' : String(choice.minutes)}>
            {choice.fromNow}
          </option>
        ))}
      </select>
      {expiresAt !== null ? (
        <span class="countdown" role="timer" aria-label={`Stops in ${formatCountdown(expiresAt - now)}`}>
          stops in <span class="countdown-time">{formatCountdown(expiresAt - now)}</span>
        </span>
      ) : null}
    </p>
  );
}
