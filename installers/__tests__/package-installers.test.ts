/** `npm run package`'s installer step: which target gets which installer, the tool check, the final table. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { artifactTable, checkInstallerTools, installerKind } from '../package.js';
import { findTarget, TARGETS } from '../targets.js';

describe('installerKind', () => {
  it('gives Linux a .deb, win-x64 an .msi, macOS a .tar.gz and win-arm64 nothing', () => {
    expect(Object.fromEntries(TARGETS.map((target) => [target.id, installerKind(target)]))).toEqual({
      'linux-x64': 'deb',
      'linux-arm64': 'deb',
      'darwin-x64': 'macos-archive',
      'darwin-arm64': 'macos-archive',
      'win-x64': 'msi',
      'win-arm64': undefined,
    });
  });
});

describe('checkInstallerTools', () => {
  it('passes when every tool the asked-for installers need is there, or none is needed', () => {
    expect(() => checkInstallerTools(TARGETS, () => true)).not.toThrow();
    expect(() => checkInstallerTools([findTarget('darwin-arm64'), findTarget('win-arm64')], () => false)).not.toThrow();
  });

  it('names each missing tool, the targets that need it and how to get it, before anything is built', () => {
    expect(() =>
      checkInstallerTools([findTarget('linux-x64'), findTarget('linux-arm64'), findTarget('win-x64')], (command) => command === 'dpkg-deb'),
    ).toThrow(
      'Missing installer tools: wixl (for win-x64): on Debian or Ubuntu: apt-get install wixl. Install them, or pass --without-installers to build the executables alone.',
    );
    expect(() => checkInstallerTools([findTarget('linux-x64'), findTarget('linux-arm64')], () => false)).toThrow(
      /dpkg-deb \(for linux-x64, linux-arm64\)/,
    );
  });
});

describe('artifactTable', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('lists every file made, relative to dist/package, with its size', () => {
    dir = mkdtempSync(join(tmpdir(), 'porthole-artifacts-'));
    const file = (name: string, size: number): string => {
      writeFileSync(join(dir!, name), Buffer.alloc(size));
      return join(dir!, name);
    };
    const table = artifactTable(
      [
        {
          target: findTarget('linux-x64'),
          executable: file('porthole-host', 3 * 1024 * 1024),
          cloudflared: file('cloudflared', 1024 * 1024),
          installer: file('porthole_0.1.0_amd64.deb', 1024 * 1024 + 104858),
        },
        { target: findTarget('win-arm64'), executable: file('porthole-host.exe', 0), cloudflared: undefined },
      ],
      dir,
    );
    expect(table.split('\n')).toEqual([
      '  porthole-host                3.0 MiB',
      '  cloudflared                  1.0 MiB',
      '  porthole_0.1.0_amd64.deb     1.1 MiB',
      '  porthole-host.exe            0.0 MiB',
    ]);
  });
});
