/** The expiries offered, before sharing and on a live share; minutes, or null for never. */
export const EXPIRY_CHOICES = [
  { minutes: null, label: 'Never', fromNow: 'never' },
  { minutes: 15, label: '15 min', fromNow: 'in 15 min' },
  { minutes: 60, label: '1 h', fromNow: 'in 1 h' },
  { minutes: 240, label: '4 h', fromNow: 'in 4 h' },
] as const;

/** A select's value back to minutes: `never` is no expiry. */
export const minutesOf = (value: string): number | null => (value === 'never' ? null : Number(value));
