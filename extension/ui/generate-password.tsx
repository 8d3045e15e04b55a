/** One click to a strong share password (issue 9): guessing is throttled, but a good password is the real lock. */

/** No 0/O, 1/l/I: read aloud or typed from a phone without doubt. */
const PASSWORD_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/** A strong password for one click: 16 random characters (80 bits) in groups of four, `abcd-efgh-…`. */
export function generatePassword(random: (bytes: Uint8Array) => Uint8Array = (bytes) => crypto.getRandomValues(bytes)): string {
  // 256 is a multiple of the alphabet's 32 letters: every letter is equally likely.
  const letters = Array.from(random(new Uint8Array(16)), (byte) => PASSWORD_ALPHABET[byte % PASSWORD_ALPHABET.length]);
  return [0, 4, 8, 12].map((at) => letters.slice(at, at + 4).join('')).join('-');
}

export function GenerateButton({ onPick }: { onPick: (password: string) => void }) {
  return (
    <button
      type="button"
      class="small"
      aria-label="Generate a strong password"
      title="Generate a strong password"
      onClick={() => onPick(generatePassword())}
    >
      Generate
    </button>
  );
}
