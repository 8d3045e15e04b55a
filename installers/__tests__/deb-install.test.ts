/**
 * Installs the .deb into THIS machine with dpkg, checks what landed, removes it with `dpkg -r` and
 * checks that nothing is left. Needs root and dpkg (CI is root on Debian); skipped otherwise, and
 * skipped when a package named porthole is already installed here (it is never touched).
 *
 * It cleans up after itself even when an assertion fails: afterAll purges the package whatever state
 * it is in, and puts back any folder that existed before (dpkg removes every folder it emptied, even
 * one it did not create, such as an empty /etc/opt). It refuses to run when any file the package
 * holds already exists here: dpkg would silently overwrite a file no package owns. The host inside is dist/host/porthole-host when `npm run build:host` has made it (npm test
 * builds first), so `porthole-host --version` runs the real executable; else a stand-in script, and
 * the test names which one it used. xz preset 0 keeps the build to ~3 s (preset 6: ~30 s, same format).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHostManifest } from '../../native-host/src/install/host-manifest.js';
import { HOST_OUT_DIR, packageVersion } from '../build-host.js';
import {
  buildDeb,
  DEB_BIN_LINK,
  DEB_CHROMIUM_MANIFEST,
  DEB_CLOUDFLARED_PATH,
  DEB_HOST_PATH,
  DEB_PACKAGE,
  SYSTEM_MANIFEST_DIRS,
} from '../deb/build-deb.js';
import { targetFor } from '../targets.js';

const dpkgStatus = (): string | null => {
  const result = spawnSync('dpkg-query', ['-W', '-f', '${Status}', DEB_PACKAGE], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : null;
};

function skipReason(): string | null {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not root';
  if (spawnSync('dpkg', ['--version']).status !== 0) return 'no dpkg';
  const status = dpkgStatus();
  if (status !== null && !status.endsWith('not-installed'))
    return `a "${DEB_PACKAGE}" package is already installed here (${status}); not touching it`;
  return null;
}

const realHost = join(HOST_OUT_DIR, 'porthole-host');

/** Every path the package installs (files and links). */
const packageFiles = [
  DEB_HOST_PATH,
  DEB_CLOUDFLARED_PATH,
  DEB_BIN_LINK,
  DEB_CHROMIUM_MANIFEST,
  ...SYSTEM_MANIFEST_DIRS.map(({ dir }) => join(dir, 'dev.porthole.host.json')),
];

/** Every folder above those files, deepest first (so that they can be put back top down, reversed). */
const packageDirs = [...new Set(packageFiles.flatMap((file) => ancestors(file)))].sort((a, b) => b.length - a.length);

function ancestors(path: string): string[] {
  const dirs: string[] = [];
  for (let dir = dirname(path); dir !== '/'; dir = dirname(dir)) dirs.push(dir);
  return dirs;
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

const reason = skipReason() ?? (packageFiles.some(exists) ? `${packageFiles.find(exists)} already exists here; not overwriting it` : null);
if (reason !== null) console.log(`deb-install.test.ts skipped: ${reason}`);

describe.skipIf(reason !== null)('the .deb installed with dpkg -i and removed with dpkg -r', () => {
  const version = packageVersion();
  const usesRealHost = existsSync(realHost);
  let dir: string;
  let deb: string;
  /** The folders that existed before, with their modes. */
  const before = new Map<string, number>();

  beforeAll(async () => {
    for (const path of packageDirs) if (exists(path)) before.set(path, lstatSync(path).mode & 0o7777);
    dir = mkdtempSync(join(tmpdir(), 'porthole-deb-install-'));
    const host = usesRealHost ? realHost : join(dir, 'porthole-host');
    if (!usesRealHost) writeFileSync(host, `#!/bin/sh\necho ${version}\n`);
    writeFileSync(join(dir, 'cloudflared'), '#!/bin/sh\necho "cloudflared version 2025.1.0 (stand-in)"\n');
    deb = await buildDeb({
      target: targetFor(),
      version,
      hostExecutable: host,
      cloudflared: join(dir, 'cloudflared'),
      outDir: dir,
      compressionLevel: 0,
    });
    execFileSync('dpkg', ['-i', deb], { stdio: 'pipe' });
  }, 60_000);

  afterAll(() => {
    // Whatever happened above: no porthole package left on this machine.
    const status = dpkgStatus();
    if (status !== null && !status.endsWith('not-installed')) spawnSync('dpkg', ['--purge', DEB_PACKAGE], { stdio: 'pipe' });
    for (const path of [...packageDirs].reverse()) {
      const mode = before.get(path);
      if (mode !== undefined && !exists(path)) mkdirSync(path, { mode });
    }
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it(`is installed (${usesRealHost ? 'the real host from dist/host' : 'a stand-in host: run npm run build:host for the real one'})`, () => {
    expect(dpkgStatus()).toBe('install ok installed');
    expect(execFileSync('dpkg-query', ['-W', '-f', '${Version} ${Architecture}', DEB_PACKAGE], { encoding: 'utf8' })).toBe(
      `${version} ${execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim()}`,
    );
  });

  it('puts the executables in /usr/lib/porthole and porthole-host on PATH, and it runs', () => {
    expect(lstatSync(DEB_HOST_PATH).mode & 0o777).toBe(0o755);
    expect(lstatSync(DEB_CLOUDFLARED_PATH).mode & 0o777).toBe(0o755);
    expect(readlinkSync(DEB_BIN_LINK)).toBe('../lib/porthole/porthole-host');
    expect(execFileSync(DEB_BIN_LINK, ['--version'], { encoding: 'utf8' }).trim()).toBe(version);
    expect(
      execFileSync('porthole-host', ['--version'], {
        encoding: 'utf8',
        env: { ...process.env, PATH: `/usr/bin:${process.env.PATH ?? ''}` },
      }).trim(),
    ).toBe(version);
  });

  it('registers the host system-wide with the manifests buildHostManifest makes', () => {
    for (const { dir: manifestDir, family, kind } of SYSTEM_MANIFEST_DIRS) {
      const path = join(manifestDir, 'dev.porthole.host.json');
      expect(lstatSync(path).isSymbolicLink(), path).toBe(kind === 'link');
      expect(JSON.parse(readFileSync(path, 'utf8')), path).toEqual(buildHostManifest(family, DEB_HOST_PATH));
      expect(lstatSync(path).mode & 0o444, `${path} is readable by every user`).toBe(0o444);
    }
  });

  it('lists exactly its files with dpkg -L', () => {
    const listed = execFileSync('dpkg', ['-L', DEB_PACKAGE], { encoding: 'utf8' }).trim().split('\n');
    for (const path of packageFiles) expect(listed).toContain(path);
  });

  it('is gone after dpkg -r: every file, and every folder it created', () => {
    execFileSync('dpkg', ['-r', DEB_PACKAGE], { stdio: 'pipe' });
    // No conffiles: removal leaves nothing for --purge to do.
    expect(dpkgStatus() ?? 'unknown ok not-installed').toMatch(/not-installed$/);
    for (const path of packageFiles) expect(exists(path), path).toBe(false);
    for (const path of packageDirs) if (!before.has(path)) expect(exists(path), path).toBe(false);
  });
});
