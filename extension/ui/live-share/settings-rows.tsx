import { useEffect, useRef, useState } from 'preact/hooks';
import { MAX_PASSWORD_LENGTH, type Share } from '../../lib/protocol';
import { EXPIRY_CHOICES, minutesOf } from '../expiry-choices';
import { formatClock, formatCountdown } from '../format-duration';
import { GenerateButton } from '../generate-password';
import type { CopiedMark, PopupActions } from '../popup-actions';

/**
 * A live share's settings, in the space the steps took: its password (copy, remove, or add one)
 * and its expiry (a countdown, and a select to change it).
 */
export interface LiveSummaryProps {
  share: Share;
  now: number;
  copied: CopiedMark | null;
  actions: PopupActions;
}

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
  const { password } = share;
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
          <button
            type="button"
            class="small"
            aria-label={copied ? 'Copied' : 'Copy the password'}
            onClick={() => actions.copyPassword(share.id, password)}
          >
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
  const { expiresAt } = share;
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
