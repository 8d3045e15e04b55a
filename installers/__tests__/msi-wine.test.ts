/**
 * The .msi installed and uninstalled by Windows Installer as wine implements it (`wine msiexec /i …
 * /qn`, then `/x`), in a throwaway wine prefix: files in LocalAppData\Programs\Porthole, each browser's
 * HKCU key naming its manifest, and after uninstall neither. Skipped when wine is not installed (CI
 * does not install it; Debian package `wine`). A fresh prefix takes ~6 s to make; the rest ~2 s.
 *
 * The host inside is the real win-x64 executable: dist/package/win-x64/porthole-host.exe when
 * `npm run package` has made it, else built here (the pinned Node from the npm registry, its signature
 * removed with osslsigncode), and it is run once (`--version`). Wine is not Windows: this shows the
 * tables do what they say, not that every Windows version agrees.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageVersion } from '../build-host.js';
import { PACKAGE_OUT_DIR, packageTargets } from '../package.js';
import { findTarget } from '../targets.js';
import { buildMsi, msiRegistrations } from '../windows/build-msi.js';

const hasWine =
  process.platform === 'linux' && spawnSync('wine', ['--version']).status === 0 && spawnSync('wixl', ['--version']).status === 0;
const realHost = join(PACKAGE_OUT_DIR, 'win-x64', 'porthole-host.exe');

describe.skipIf(!hasWine)('the .msi under wine msiexec', () => {
  let dir: string;
  let prefix: string;
  let msi: string;
  let env: NodeJS.ProcessEnv;

  /**
   * Runs wine with its output going to a file. Not a pipe: the wineserver and services wine starts
   * inherit it and keep it open for seconds after the command ends (~3 s per call), and Node's own
   * stdio fails on wine's pipes (EBADF).
   */
  const wine = (args: string[], timeout = 60_000): { status: number | null; output: string } => {
    const file = join(dir, 'wine-output.txt');
    const fd = openSync(file, 'w');
    try {
      const { status } = spawnSync('wine', args, { env, stdio: ['ignore', fd, fd], timeout });
      return { status, output: readFileSync(file, 'utf8') };
    } finally {
      closeSync(fd);
    }
  };
  const mustWine = (args: string[]): void => {
    const { status, output } = wine(args);
    if (status !== 0) throw new Error(`wine ${args.join(' ')} exited ${String(status)}: ${output}`);
  };
  const regDefault = (key: string): string | null => {
    const { status, output } = wine(['reg', 'query', `HKCU\\${key}`, '/ve']);
    return status === 0 ? (/REG_SZ\s+(.+)/.exec(output)?.[1]?.trim() ?? null) : null;
  };
  const installDir = (): string => {
    const users = join(prefix, 'drive_c', 'users');
    const user = readdirSync(users).find((name) => name !== 'Public');
    return join(users, user ?? 'missing', 'AppData', 'Local', 'Programs', 'Porthole');
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'porthole-msi-wine-'));
    prefix = join(dir, 'prefix');
    env = { ...process.env, WINEPREFIX: prefix, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=' };
    const host = existsSync(realHost)
      ? realHost
      : (
          await packageTargets({
            targets: [findTarget('win-x64')],
            withCloudflared: false,
            withInstallers: false,
            outDir: join(dir, 'package'),
            log: () => undefined,
          })
        )[0]!.executable;
    writeFileSync(join(dir, 'cloudflared.exe'), 'MZ stand-in cloudflared');
    msi = await buildMsi({
      target: findTarget('win-x64'),
      version: packageVersion(),
      hostExecutable: host,
      cloudflared: join(dir, 'cloudflared.exe'),
      outDir: dir,
    });
    mustWine(['wineboot', '--init']);
    // Node 22 refuses Windows older than 8.1, and a new prefix says Windows 7.
    mustWine(['reg', 'add', 'HKCU\\Software\\Wine', '/v', 'Version', '/t', 'REG_SZ', '/d', 'win10', '/f']);
    mustWine(['msiexec', '/i', msi, '/qn']);
  }, 240_000);

  afterAll(() => {
    // Only this prefix's wineserver.
    if (prefix !== undefined) spawnSync('wineserver', ['-k'], { env, stdio: 'ignore' });
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('installs the files into LocalAppData\\Programs\\Porthole', () => {
    expect(readdirSync(installDir()).sort()).toEqual([
      'cloudflared.exe',
      'dev.porthole.host.chromium.json',
      'dev.porthole.host.firefox.json',
      'porthole-host.exe',
    ]);
  });

  it("writes each browser's HKCU key, naming the manifest by its full path", () => {
    for (const { browser, family, key } of msiRegistrations()) {
      expect(regDefault(key), browser).toMatch(
        new RegExp(`^C:\\\\users\\\\[^\\\\]+\\\\AppData\\\\Local\\\\Programs\\\\Porthole\\\\dev\\.porthole\\.host\\.${family}\\.json$`),
      );
    }
  });

  it('runs porthole-host.exe from there', () => {
    expect(wine([join(installDir(), 'porthole-host.exe'), '--version'], 30_000).output.trim()).toBe(packageVersion());
  });

  it('leaves neither files nor keys after msiexec /x', () => {
    mustWine(['msiexec', '/x', msi, '/qn']);
    expect(existsSync(installDir())).toBe(false);
    for (const { browser, key } of msiRegistrations()) expect(regDefault(key), browser).toBeNull();
    expect(wine(['reg', 'query', 'HKCU\\Software\\Porthole']).status).not.toBe(0);
  });
});
