import { cleanup, render } from '@testing-library/preact';
import { encode } from 'uqr';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { QrCode, QUIET_ZONE, qrPath } from '../live-share/qr-code';

// The real generator, watched: the test sees exactly what the popup asks it to encode.
vi.mock('uqr', async (importOriginal) => {
  const actual = await importOriginal<typeof import('uqr')>();
  return { ...actual, encode: vi.fn(actual.encode) };
});

afterEach(() => {
  cleanup();
  vi.mocked(encode).mockClear();
});

/** Reads the modules back from the drawn path (`M x y h run v1 h-run z` per run of dark modules). */
function modulesOf(path: string, size: number): boolean[][] {
  const grid = Array.from({ length: size }, () => Array<boolean>(size).fill(false));
  for (const [, x, y, run] of path.matchAll(/M(\d+) (\d+)h(\d+)v1h-\3z/g)) {
    for (let i = 0; i < Number(run); i++) grid[Number(y)]![Number(x) + i] = true;
  }
  return grid;
}

function renderQr(url: string) {
  const { container } = render(<QrCode text={url} label={`QR code of ${url}`} />);
  const svg = container.querySelector('svg')!;
  return { svg, path: svg.querySelector('path')!.getAttribute('d')! };
}

describe('QR code of the public address', () => {
  it.each([
    // 41 bytes: version 3 at level M holds up to 42.
    ['https://violet-owl-lamp.trycloudflare.com', 3],
    // 58 bytes: version 4 (up to 62).
    ['https://seasonal-prime-nominations-dealt.trycloudflare.com', 4],
  ])('%s: the exact address goes in, and the SVG has version %i’s modules, each drawn as encoded', (url, version) => {
    const { svg, path } = renderQr(url);
    expect(encode).toHaveBeenCalledExactlyOnceWith(url, { ecc: 'M', border: 0 });

    const size = 17 + 4 * version;
    expect(svg.getAttribute('data-version')).toBe(String(version));
    expect(svg.getAttribute('data-modules')).toBe(String(size));
    expect(svg.getAttribute('viewBox')).toBe(`${-QUIET_ZONE} ${-QUIET_ZONE} ${size + 2 * QUIET_ZONE} ${size + 2 * QUIET_ZONE}`);
    expect(svg.getAttribute('aria-label')).toBe(`QR code of ${url}`);

    // What is drawn is what the generator made for that address, module for module.
    const encoded = vi.mocked(encode).mock.results[0]!.value as ReturnType<typeof encode>;
    expect(encoded.size).toBe(size);
    expect(modulesOf(path, size)).toEqual(encoded.data);
  });

  it('draws the three finder patterns where a reader looks for them', () => {
    const { path } = renderQr('https://violet-owl-lamp.trycloudflare.com');
    const grid = modulesOf(path, 29);
    const finder = ['1111111', '1000001', '1011101', '1011101', '1011101', '1000001', '1111111'];
    const at = (top: number, left: number) =>
      finder.map((_, y) =>
        grid[top + y]!.slice(left, left + 7)
          .map((dark) => (dark ? '1' : '0'))
          .join(''),
      );
    expect(at(0, 0)).toEqual(finder);
    expect(at(0, 22)).toEqual(finder);
    expect(at(22, 0)).toEqual(finder);
  });

  it('writes one subpath per run of dark modules', () => {
    expect(
      qrPath([
        [true, true, false, true],
        [false, false, false, false],
        [true, true, true, true],
      ]),
    ).toBe('M0 0h2v1h-2zM3 0h1v1h-1zM0 2h4v1h-4z');
  });
});
