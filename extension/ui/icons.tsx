/** Two 12 px line icons drawn in the text colour, for places too narrow for words (the share list). */

export function LockIcon({ label }: { label: string }) {
  return (
    <svg class="icon" viewBox="0 0 12 12" width="12" height="12" role="img" aria-label={label}>
      <title>{label}</title>
      <rect x="2" y="5.5" width="8" height="5.5" rx="1" fill="currentColor" />
      <path d="M3.8 5.5V4a2.2 2.2 0 0 1 4.4 0v1.5" fill="none" stroke="currentColor" stroke-width="1.3" />
    </svg>
  );
}

export function ClockIcon({ label }: { label: string }) {
  return (
    <svg class="icon" viewBox="0 0 12 12" width="12" height="12" role="img" aria-label={label}>
      <title>{label}</title>
      <circle cx="6" cy="6" r="4.9" fill="none" stroke="currentColor" stroke-width="1.2" />
      <path d="M6 3.2V6l1.9 1.3" fill="none" stroke="currentColor" stroke-width="1.2" stroke-linecap="round" />
    </svg>
  );
}
