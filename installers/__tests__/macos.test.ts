/**
 * The macOS archive and its scripts, exercised on Linux: darwin executables cannot run here, so the
 * archive is built around a stand-in porthole-host (a shell script that writes down how it was run),
 * unpacked with the system tar, and install.sh / uninstall.sh are run by Debian's POSIX sh (dash)
 * with HOME set to a temporary folder and a stand-in `xattr` on PATH. Then the same scripts install
 * the real Linux host (when dist/host/porthole-host exists), which registers itself for real.
 */
import { execFileSync, type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildHostManifest } from '../../native-host/src/install/host-manifest.js';
import { HOST_OUT_DIR } from '../build-host.js';
import { buildMacosArchive, canBuildMacosArchive, MACOS_SCRIPTS, macosArchiveStem } from '../macos/build-macos.js';
import { findTarget } from '../targets.js';

const STAND_IN_HOST = `#!/bin/sh
printf '%s\\n' "$0 $*" >> "$PORTHOLE_TEST_LOG"
case "$1" in
--version)
	[ -z "\${PORTHOLE_TEST_BROKEN:-}" ] || { echo 'exec format error' >&2; exit 126; }
	echo 0.1.0 ;;
install) exit "\${PORTHOLE_TEST_INSTALL_STATUS:-0}" ;;
uninstall) exit "\${PORTHOLE_TEST_UNINSTALL_STATUS:-0}" ;;
esac
`;
const STAND_IN_XATTR = `#!/bin/sh
printf 'xattr %s\\n' "$*" >> "$PORTHOLE_TEST_LOG"
`;

let dir: string;
let archive: string;
let archiveWithoutCloudflared: string;
const target = findTarget('darwin-arm64');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'porthole-macos-test-'));
  writeFileSync(join(dir, 'porthole-host'), STAND_IN_HOST);
  writeFileSync(join(dir, 'cloudflared'), '#!/bin/sh\necho cloudflared stand-in\n');
  mkdirSync(join(dir, 'fake-bin'));
  writeFileSync(join(dir, 'fake-bin', 'xattr'), STAND_IN_XATTR);
  chmodSync(join(dir, 'fake-bin', 'xattr'), 0o755);
  archive = await buildMacosArchive({
    target,
    version: '0.1.0',
    hostExecutable: join(dir, 'porthole-host'),
    cloudflared: join(dir, 'cloudflared'),
    outDir: join(dir, 'with'),
    level: 1,
  });
  archiveWithoutCloudflared = await buildMacosArchive({
    target,
    version: '0.1.0',
    hostExecutable: join(dir, 'porthole-host'),
    outDir: join(dir, 'without'),
    level: 1,
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function unpack(file: string, into: string): string {
  mkdirSync(into, { recursive: true });
  execFileSync('tar', ['-xzf', file, '-C', into]);
  return join(into, macosArchiveStem('0.1.0', target));
}

describe('the macOS archive', () => {
  it('is porthole-<version>-darwin-<arch>.tar.gz, made for darwin targets only', () => {
    expect(archive).toMatch(/\/porthole-0\.1\.0-darwin-arm64\.tar\.gz$/);
    expect(canBuildMacosArchive(findTarget('darwin-x64'))).toBe(true);
    expect(canBuildMacosArchive(findTarget('linux-x64'))).toBe(false);
  });

  it('holds one folder with the executables and scripts, executable where they should be, owned by no one in particular', () => {
    const listing = execFileSync('tar', ['-tvzf', archive], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+/))
      .map((fields) => `${fields[0]} ${fields[1]} ${fields[5]}`);
    expect(listing).toEqual([
      'drwxr-xr-x 0/0 porthole-0.1.0-darwin-arm64/',
      '-rwxr-xr-x 0/0 porthole-0.1.0-darwin-arm64/porthole-host',
      '-rwxr-xr-x 0/0 porthole-0.1.0-darwin-arm64/cloudflared',
      '-rwxr-xr-x 0/0 porthole-0.1.0-darwin-arm64/install.sh',
      '-rwxr-xr-x 0/0 porthole-0.1.0-darwin-arm64/uninstall.sh',
      '-rw-r--r-- 0/0 porthole-0.1.0-darwin-arm64/README.txt',
    ]);
    expect(execFileSync('tar', ['-tzf', archiveWithoutCloudflared], { encoding: 'utf8' })).not.toContain('cloudflared');
    const unpacked = unpack(archive, join(dir, 'listing'));
    expect(readFileSync(join(unpacked, 'porthole-host'), 'utf8')).toBe(STAND_IN_HOST);
    expect(readFileSync(join(unpacked, 'install.sh'), 'utf8')).toBe(readFileSync(MACOS_SCRIPTS.install, 'utf8'));
  });
});

describe('install.sh and uninstall.sh', () => {
  let home: string;
  let log: string;
  let unpacked: string;
  let binDir: string;
  let appDir: string;

  beforeEach(() => {
    const run = mkdtempSync(join(dir, 'run-'));
    home = join(run, 'home');
    mkdirSync(home);
    log = join(run, 'calls.log');
    writeFileSync(log, '');
    unpacked = unpack(archive, join(run, 'download'));
    appDir = join(home, 'Library', 'Application Support', 'Porthole');
    binDir = join(appDir, 'bin');
  });

  function sh(script: string, args: string[] = [], env: Record<string, string> = {}): SpawnSyncReturns<string> {
    return spawnSync('sh', [script, ...args], {
      encoding: 'utf8',
      env: { PATH: `${join(dir, 'fake-bin')}:/usr/bin:/bin`, HOME: home, PORTHOLE_TEST_LOG: log, ...env },
    });
  }
  const calls = (): string[] => readFileSync(log, 'utf8').trim().split('\n').filter(Boolean);

  it('copies the executables to ~/Library/Application Support/Porthole/bin, clears quarantine, then runs porthole-host install with its arguments', () => {
    const result = sh(join(unpacked, 'install.sh'), ['--browser', 'chrome,firefox']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    for (const name of ['porthole-host', 'cloudflared']) {
      expect(readFileSync(join(binDir, name), 'utf8')).toBe(readFileSync(join(unpacked, name), 'utf8'));
      expect(statSync(join(binDir, name)).mode & 0o777).toBe(0o755);
    }
    expect(readFileSync(join(appDir, 'uninstall.sh'), 'utf8')).toBe(readFileSync(MACOS_SCRIPTS.uninstall, 'utf8'));
    expect(calls()).toEqual([
      `xattr -dr com.apple.quarantine ${binDir}`,
      `${binDir}/porthole-host --version`,
      `${binDir}/porthole-host install --browser chrome,firefox`,
    ]);
    expect(result.stdout).toContain(`✓ porthole-host 0.1.0 installed in ${binDir}`);
    expect(result.stdout).toContain('✓ cloudflared installed beside it');
    expect(result.stdout).toContain(`sh "${appDir}/uninstall.sh"`);
  });

  it('updates in place, and drops a cloudflared the new archive does not bundle', () => {
    expect(sh(join(unpacked, 'install.sh')).status).toBe(0);
    const newer = unpack(archiveWithoutCloudflared, join(home, '..', 'newer'));
    const result = sh(join(newer, 'install.sh'));
    expect(result.status).toBe(0);
    expect(existsSync(join(binDir, 'cloudflared'))).toBe(false);
    expect(existsSync(join(binDir, 'porthole-host'))).toBe(true);
    expect(calls().filter((line) => line.endsWith('porthole-host install'))).toHaveLength(2);
  });

  it('says so, keeps the files and fails when no browser could be registered', () => {
    const result = sh(join(unpacked, 'install.sh'), [], { PORTHOLE_TEST_INSTALL_STATUS: '1' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('no browser was registered');
    expect(result.stderr).toContain(`"${binDir}/porthole-host" install --browser chrome`);
    expect(existsSync(join(binDir, 'porthole-host'))).toBe(true);
  });

  it('stops with a clear message when the copied host does not start (wrong Mac, damaged download)', () => {
    const result = sh(join(unpacked, 'install.sh'), [], { PORTHOLE_TEST_BROKEN: '1' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /porthole-host was copied to .* but does not start on this computer:\n {2}exec format error\nThis archive is for macOS \(porthole-0\.1\.0-darwin-arm64\)/,
    );
    expect(calls().some((line) => line.includes(' install'))).toBe(false);
  });

  it('refuses to run without porthole-host beside it', () => {
    const lonely = join(home, '..', 'lonely');
    mkdirSync(lonely);
    writeFileSync(join(lonely, 'install.sh'), readFileSync(MACOS_SCRIPTS.install));
    const result = sh(join(lonely, 'install.sh'));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('porthole-host is not beside install.sh');
  });

  it('uninstall.sh (the copy install.sh left) unregisters through porthole-host, then removes the whole Porthole folder', () => {
    expect(sh(join(unpacked, 'install.sh')).status).toBe(0);
    writeFileSync(join(appDir, 'host.log'), 'a log line\n');
    const result = sh(join(appDir, 'uninstall.sh'));
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(calls().at(-1)).toBe(`${binDir}/porthole-host uninstall`);
    expect(existsSync(appDir)).toBe(false);
    expect(existsSync(join(home, 'Library', 'Application Support'))).toBe(true);
    expect(result.stdout).toContain(`✓ removed ${appDir}`);
  });

  it('uninstall.sh deletes nothing when unregistering fails, unless --force', () => {
    expect(sh(join(unpacked, 'install.sh')).status).toBe(0);
    const refused = sh(join(appDir, 'uninstall.sh'), [], { PORTHOLE_TEST_UNINSTALL_STATUS: '1' });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('nothing was deleted');
    expect(existsSync(join(binDir, 'porthole-host'))).toBe(true);
    const forced = sh(join(appDir, 'uninstall.sh'), ['--force'], { PORTHOLE_TEST_UNINSTALL_STATUS: '1' });
    expect(forced.status).toBe(0);
    expect(existsSync(appDir)).toBe(false);
  });

  it('uninstall.sh with nothing installed says so and succeeds', () => {
    const result = sh(MACOS_SCRIPTS.uninstall);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('nothing to unregister');
  });

  it.skipIf(!existsSync(join(HOST_OUT_DIR, 'porthole-host')))(
    'install.sh and uninstall.sh around the real host (Linux build standing in for the Mac one)',
    () => {
      const real = join(home, '..', 'real');
      mkdirSync(real);
      for (const script of ['install.sh', 'uninstall.sh']) writeFileSync(join(real, script), readFileSync(join(unpacked, script)));
      execFileSync('cp', [join(HOST_OUT_DIR, 'porthole-host'), join(real, 'porthole-host')]);
      // On Linux the host registers in ~/.config/<browser>/NativeMessagingHosts; the executable it names is where install.sh put it.
      const installed = sh(join(real, 'install.sh'), ['--browser', 'chrome']);
      expect(installed.stderr).toBe('');
      expect(installed.status).toBe(0);
      const manifest = join(home, '.config', 'google-chrome', 'NativeMessagingHosts', 'dev.porthole.host.json');
      expect(JSON.parse(readFileSync(manifest, 'utf8'))).toEqual(buildHostManifest('chromium', join(binDir, 'porthole-host')));
      const removed = sh(join(appDir, 'uninstall.sh'));
      expect(removed.status).toBe(0);
      expect(removed.stdout).toContain(`✓ chrome: removed ${manifest}`);
      expect(existsSync(manifest)).toBe(false);
      expect(existsSync(appDir)).toBe(false);
    },
    20_000,
  );
});

describe.skipIf(spawnSync('shellcheck', ['--version']).status !== 0)('shellcheck', () => {
  it('finds nothing in install.sh and uninstall.sh (POSIX sh)', () => {
    const result = spawnSync('shellcheck', ['--shell=sh', '--severity=style', MACOS_SCRIPTS.install, MACOS_SCRIPTS.uninstall], {
      encoding: 'utf8',
    });
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  });
});
