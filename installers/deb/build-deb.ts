/**
 * The Debian package of porthole-host for one Linux target, built with Debian's own `dpkg-deb`:
 *
 *   /usr/lib/porthole/porthole-host          the single executable (+ cloudflared beside it when bundled)
 *   /usr/bin/porthole-host                   → ../lib/porthole/porthole-host, for the CLI
 *   /usr/share/porthole/native-messaging-hosts/dev.porthole.host.json   the Chromium-family manifest
 *   /etc/<browser>/native-messaging-hosts/dev.porthole.host.json  → links to it
 *   /usr/lib/mozilla/native-messaging-hosts/dev.porthole.host.json (Firefox's system folder, a file)
 *
 * The manifests come from the host's own `buildHostManifest`, so the ids never drift from the
 * extension's. The Chromium-family ones sit in /etc as symbolic links into /usr/share: a file in
 * /etc would have to be a conffile (Debian policy), and a conffile survives `dpkg -r` — a manifest
 * left behind pointing at a removed executable turns "install Porthole's host" into "the host failed
 * to start". As links they are package files: replaced on upgrade, gone on removal. No maintainer
 * scripts are needed: dpkg itself creates and removes everything.
 *
 * System folders (each browser's native messaging documentation, and for Brave a third party's trace;
 * see SYSTEM_MANIFEST_DIRS): Chrome /etc/opt/chrome, Chromium /etc/chromium, Edge /etc/opt/edge (then
 * Chrome's). Brave, Vivaldi and Opera read Chrome's /etc/opt/chrome. Firefox /usr/lib/mozilla.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  createReadStream,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { buildHostManifest, MANIFEST_FILE } from '../../native-host/src/install/host-manifest.js';
import { SYSTEM_MANIFEST_DIRS } from '../../native-host/src/install/system-manifests.js';
import type { BrowserFamily } from '../../native-host/src/platform/index.js';
import { InstallerError } from '../installer-error.js';
import type { Target } from '../targets.js';

const run = promisify(execFile);

export const DEB_PACKAGE = 'porthole';
/** Where the package puts the executable; the manifests name this path. */
export const DEB_HOST_PATH = '/usr/lib/porthole/porthole-host';
export const DEB_CLOUDFLARED_PATH = '/usr/lib/porthole/cloudflared';
export const DEB_BIN_LINK = '/usr/bin/porthole-host';
export const DEB_MAINTAINER = 'Porthole <porthole@porthole.dev>';
/** What the Node 22 executable links against (`objdump -T`: GLIBC_2.28, GLIBCXX_3.4.21); cloudflared is static. */
export const DEB_DEPENDS = 'libc6 (>= 2.28), libgcc-s1 | libgcc1, libstdc++6 (>= 5.2)';

/** The one real Chromium-family manifest; the folders in /etc hold links to it. */
export const DEB_CHROMIUM_MANIFEST = `/usr/share/porthole/native-messaging-hosts/${MANIFEST_FILE}`;

// The folders the .deb writes are the ones `porthole-host doctor` reads: one table for both.
export { SYSTEM_MANIFEST_DIRS, type SystemManifestDir } from '../../native-host/src/install/system-manifests.js';

export class DebBuildError extends InstallerError<'dpkg-deb-missing' | 'dpkg-deb-failed' | 'not-a-linux-target' | 'bad-version'> {}

export function debArchitecture(target: Target): 'amd64' | 'arm64' {
  if (target.platform !== 'linux')
    throw new DebBuildError('not-a-linux-target', `A .deb holds a Linux executable; ${target.id} is not one.`);
  return target.arch === 'x64' ? 'amd64' : 'arm64';
}

/** npm's `1.2.0-beta.1` sorts before `1.2.0`; Debian's `~` does the same (`1.2.0~beta.1`). */
export function debVersion(version: string): string {
  const debian = version.replace(/^v/, '').replace(/-/g, '~');
  if (!/^[0-9][A-Za-z0-9.+~]*$/.test(debian)) throw new DebBuildError('bad-version', `"${version}" cannot be a Debian package version.`);
  return debian;
}

export function debFileName(version: string, target: Target): string {
  return `${DEB_PACKAGE}_${debVersion(version)}_${debArchitecture(target)}.deb`;
}

export interface DebInput {
  target: Target;
  version: string;
  hostExecutable: string;
  /** Bundled beside the host when given. */
  cloudflared?: string | undefined;
  outDir: string;
  /** xz preset, 0–9; dpkg-deb's default is 6. Tests use 0: the same format, ten times faster. */
  compressionLevel?: number;
}

function controlFile({
  version,
  architecture,
  installedSizeKiB,
  withCloudflared,
}: {
  version: string;
  architecture: string;
  installedSizeKiB: number;
  withCloudflared: boolean;
}): string {
  const lines = [
    `Package: ${DEB_PACKAGE}`,
    `Version: ${debVersion(version)}`,
    `Architecture: ${architecture}`,
    `Maintainer: ${DEB_MAINTAINER}`,
    `Installed-Size: ${installedSizeKiB}`,
    `Depends: ${DEB_DEPENDS}`,
    'Section: web',
    'Priority: optional',
    'Description: share a localhost page through a Cloudflare quick tunnel',
    ' Porthole is a browser extension that shares the localhost page in your tab',
    ' with anyone on the internet, in one click. This package is its native',
    ' messaging host, registered system-wide for Chrome, Chromium, Edge, Brave,',
    " Vivaldi, Opera and Firefox; install the extension from your browser's store.",
    ' .',
    withCloudflared
      ? ' cloudflared comes bundled. To share from a terminal instead:'
      : ' It needs cloudflared on PATH (or named by $PORTHOLE_CLOUDFLARED). To share',
    ...(withCloudflared ? [] : [' from a terminal instead:']),
    '   porthole-host share 3000',
  ];
  return `${lines.join('\n')}\n`;
}

/** SOURCE_DATE_EPOCH when set (reproducible builds), else now. */
function buildDate(): Date {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  return epoch !== undefined && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : new Date();
}

/** Debian wants one in every package; a native package's is changelog.gz. */
function changelogFile(version: string, date: Date): Buffer {
  const text = [
    `${DEB_PACKAGE} (${debVersion(version)}) unstable; urgency=medium`,
    '',
    `  * Porthole ${version}.`,
    '',
    // RFC 5322 date, as dpkg-parsechangelog expects: "Wed, 25 Nov 2026 15:55:00 +0000".
    ` -- ${DEB_MAINTAINER}  ${date.toUTCString().replace('GMT', '+0000')}`,
    '',
  ].join('\n');
  return gzipSync(text, { level: 9 });
}

function copyrightFile(withCloudflared: boolean, year: number): string {
  const parts = [
    'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/',
    'Upstream-Name: porthole',
    '',
    'Files: *',
    `Copyright: ${year} Porthole contributors`,
    'License: MIT',
    ' Permission is hereby granted, free of charge, to any person obtaining a copy of this',
    ' software and associated documentation files (the "Software"), to deal in the Software',
    ' without restriction, including without limitation the rights to use, copy, modify,',
    ' merge, publish, distribute, sublicense, and/or sell copies of the Software, and to',
    ' permit persons to whom the Software is furnished to do so, subject to the following',
    ' conditions:',
    ' .',
    ' The above copyright notice and this permission notice shall be included in all copies',
    ' or substantial portions of the Software.',
    ' .',
    ' THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED,',
    ' INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A',
    ' PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT',
    ' HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF',
    ' CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR',
    ' THE USE OR OTHER DEALINGS IN THE SOFTWARE.',
    '',
    'Files: usr/lib/porthole/porthole-host',
    'Copyright: Node.js contributors and others; Porthole contributors',
    'License: MIT and others',
    ' A Node.js single executable application; Node.js and the code it bundles are listed in',
    ' https://github.com/nodejs/node/blob/main/LICENSE',
  ];
  if (withCloudflared) {
    parts.push(
      '',
      'Files: usr/lib/porthole/cloudflared',
      'Copyright: Cloudflare, Inc.',
      'License: Apache-2.0',
      ' The official cloudflared release binary, unmodified: https://github.com/cloudflare/cloudflared',
      ' On Debian systems, the full text of the Apache License 2.0 is in',
      ' /usr/share/common-licenses/Apache-2.0.',
    );
  }
  return `${parts.join('\n')}\n`;
}

function md5(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('md5');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** Every regular file under `root`, as paths relative to it, sorted. */
function regularFiles(root: string, relative = ''): string[] {
  const files: string[] = [];
  for (const name of readdirSync(join(root, relative)).sort()) {
    const path = posix.join(relative, name);
    const stats = lstatSync(join(root, path));
    if (stats.isDirectory()) files.push(...regularFiles(root, path));
    else if (stats.isFile()) files.push(path);
  }
  return files;
}

/** dpkg-gencontrol's measure: each file rounded up to KiB, each link and directory 1 KiB. */
function installedSizeKiB(root: string, relative = ''): number {
  let total = 0;
  for (const name of readdirSync(join(root, relative))) {
    const path = join(relative, name);
    const stats = lstatSync(join(root, path));
    total += stats.isFile() ? Math.ceil(stats.size / 1024) : 1;
    if (stats.isDirectory()) total += installedSizeKiB(root, path);
  }
  return total;
}

function place(root: string, absolute: string): string {
  const path = join(root, absolute);
  mkdirSync(dirname(path), { recursive: true });
  return path;
}

function putFile(root: string, absolute: string, content: string | Buffer | { copyOf: string }, mode: number): void {
  const path = place(root, absolute);
  if (typeof content === 'string' || Buffer.isBuffer(content)) writeFileSync(path, content);
  else copyFileSync(content.copyOf, path);
  chmodSync(path, mode);
}

function manifestJson(family: BrowserFamily): string {
  return `${JSON.stringify(buildHostManifest(family, DEB_HOST_PATH), null, 2)}\n`;
}

/** Lays out the package tree (DEBIAN/ included) in `root`. Exported for tests. */
export async function stageDeb(root: string, input: Omit<DebInput, 'outDir' | 'compressionLevel'>): Promise<void> {
  const architecture = debArchitecture(input.target);
  const withCloudflared = input.cloudflared !== undefined;
  putFile(root, DEB_HOST_PATH, { copyOf: input.hostExecutable }, 0o755);
  if (input.cloudflared !== undefined) putFile(root, DEB_CLOUDFLARED_PATH, { copyOf: input.cloudflared }, 0o755);
  symlinkSync(posix.relative(posix.dirname(DEB_BIN_LINK), DEB_HOST_PATH), place(root, DEB_BIN_LINK));
  putFile(root, DEB_CHROMIUM_MANIFEST, manifestJson('chromium'), 0o644);
  for (const { dir, family, kind } of SYSTEM_MANIFEST_DIRS) {
    const target = posix.join(dir, MANIFEST_FILE);
    // /etc → /usr crosses top-level folders: Debian policy wants such links absolute.
    if (kind === 'link') symlinkSync(DEB_CHROMIUM_MANIFEST, place(root, target));
    else putFile(root, target, manifestJson(family), 0o644);
  }
  const date = buildDate();
  putFile(root, '/usr/share/doc/porthole/copyright', copyrightFile(withCloudflared, date.getUTCFullYear()), 0o644);
  putFile(root, '/usr/share/doc/porthole/changelog.gz', changelogFile(input.version, date), 0o644);
  // Directories 0755 whatever the umask; dpkg-deb refuses a DEBIAN/ it cannot trust.
  const fixDirs = (dir: string): void => {
    chmodSync(dir, 0o755);
    for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) fixDirs(join(dir, entry.name));
  };
  fixDirs(root);

  const sums = await Promise.all(regularFiles(root).map(async (file) => `${await md5(join(root, file))}  ${file}\n`));
  const size = installedSizeKiB(root);
  mkdirSync(join(root, 'DEBIAN'), { mode: 0o755 });
  chmodSync(join(root, 'DEBIAN'), 0o755);
  putFile(root, '/DEBIAN/control', controlFile({ version: input.version, architecture, installedSizeKiB: size, withCloudflared }), 0o644);
  putFile(root, '/DEBIAN/md5sums', sums.join(''), 0o644);
}

/** Builds dist/package/porthole_<version>_<arch>.deb (or into `outDir`) and returns its path. */
export async function buildDeb(input: DebInput): Promise<string> {
  const outFile = join(input.outDir, debFileName(input.version, input.target));
  const root = mkdtempSync(join(tmpdir(), 'porthole-deb-'));
  try {
    await stageDeb(root, input);
    mkdirSync(input.outDir, { recursive: true });
    rmSync(outFile, { force: true });
    const level = input.compressionLevel ?? 6;
    try {
      await run('dpkg-deb', ['--root-owner-group', '-Zxz', `-z${level}`, '--build', root, outFile], { maxBuffer: 16 * 1024 * 1024 });
    } catch (error) {
      const failure = error as NodeJS.ErrnoException & { stderr?: string };
      if (failure.code === 'ENOENT') {
        throw new DebBuildError(
          'dpkg-deb-missing',
          'dpkg-deb is not installed: it comes with Debian and Ubuntu (package dpkg); build the .deb there.',
          { cause: error },
        );
      }
      throw new DebBuildError('dpkg-deb-failed', `dpkg-deb could not build ${outFile}: ${(failure.stderr ?? failure.message).trim()}`, {
        cause: error,
      });
    }
    return outFile;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
