import { encode } from 'uqr';

/**
 * The public address as a QR code, to open it on a phone. uqr (a port of Nayuki's generator, no
 * dependencies) computes the modules; they are drawn here as one SVG path, dark on white whatever
 * the popup's colour scheme, with a quiet zone, so phone cameras read it on any screen.
 */

/** Modules of white around the code: the standard asks for 4; 2 read fine on a screen and keep it larger. */
export const QUIET_ZONE = 2;

interface QrMatrix {
  version: number;
  /** Modules per side: 17 + 4 × version. */
  size: number;
  /** Rows of modules, true for dark. */
  data: boolean[][];
}

function qrMatrix(text: string): QrMatrix {
  // Level M: a smudge or glare on the screen is still read; a quick tunnel's address fits version 3 or 4.
  const { version, size, data } = encode(text, { ecc: 'M', border: 0 });
  return { version, size, data };
}

/** One subpath per run of dark modules in a row: `M x y h run v 1 h -run z`. */
export function qrPath(data: readonly (readonly boolean[])[]): string {
  let path = '';
  data.forEach((row, y) => {
    let x = 0;
    while (x < row.length) {
      if (!row[x]) {
        x++;
        continue;
      }
      let run = 1;
      while (row[x + run]) run++;
      path += `M${x} ${y}h${run}v1h-${run}z`;
      x += run;
    }
  });
  return path;
}

export function QrCode({ text, label }: { text: string; label: string }) {
  const { version, size, data } = qrMatrix(text);
  const side = size + 2 * QUIET_ZONE;
  return (
    <svg
      class="qr-code"
      xmlns="http://www.w3.org/2000/svg"
      viewBox={`${-QUIET_ZONE} ${-QUIET_ZONE} ${side} ${side}`}
      shape-rendering="crispEdges"
      role="img"
      aria-label={label}
      data-version={version}
      data-modules={size}
    >
      <rect x={-QUIET_ZONE} y={-QUIET_ZONE} width={side} height={side} fill="#fff" />
      <path d={qrPath(data)} fill="#000" />
    </svg>
  );
}
