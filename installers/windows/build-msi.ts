/**
 * The Windows installer: a per-user .msi built with `wixl` (Debian package `wixl`), so no
 * administrator rights, no UAC prompt:
 *
 *   %LOCALAPPDATA%\Programs\Porthole\            (WiX: LocalAppDataFolder\Programs\Porthole, id INSTALLDIR;
 *     porthole-host.exe                            Windows' own per-user program folder, FOLDERID_UserProgramFiles)
 *     cloudflared.exe                              when bundled
 *     dev.porthole.host.chromium.json              manifest for Chrome, Chromium, Edge, Brave, Vivaldi, Opera
 *     dev.porthole.host.firefox.json               manifest for Firefox
 *   HKCU\Software\<browser>\NativeMessagingHosts\dev.porthole.host  (default) = the manifest's full path,
 *     for the very keys the host's own `porthole-host install` writes (native-host/src/platform/win32.ts)
 *   HKCU\Software\Porthole                        InstallDir (the components' key path)
 *
 * Per-user rather than per-machine: native messaging registration is per-user anyway (HKCU), the host
 * keeps its state per user, and nothing here needs elevation. wixl (0.101) cannot build ARM64 packages,
 * so only win-x64 gets an .msi.
 *
 * The manifests are made at build time by `buildHostManifest`, but the install folder's full path is
 * only known at install time (it holds the user's name). On Windows, and only there, Chromium and
 * Firefox accept a `path` relative to the manifest's own folder, so the manifests sit beside the
 * executable and name it as `porthole-host.exe`: a fixed text that is right wherever the folder is.
 *
 * Uninstall: Windows Installer removes the files and the registry values it wrote; each
 * dev.porthole.host key also has a Registry row named "-" (delete the key on uninstall), and
 * RemoveFolder rows take the folders away when empty. GUIDs are derived, not random, so that every
 * build of one version is the same product and the next version upgrades it (MajorUpgrade).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { buildHostManifest } from '../../native-host/src/install/host-manifest.js';
import { type BrowserFamily, type BrowserName, platformFor } from '../../native-host/src/platform/index.js';
import { InstallerError } from '../installer-error.js';
import { hostExecutableName, type Target } from '../targets.js';

const run = promisify(execFile);

/** Never change: it is how Windows knows a new .msi upgrades an installed Porthole. */
export const MSI_UPGRADE_CODE = '678264CC-2BF3-5F5F-8206-66E657711C76';
/** UUIDv5 namespace for the product and component GUIDs. Never change either. */
const GUID_NAMESPACE = '0E276620-8A3B-5E2A-88E2-F0A09919431A';

/** Where the manifests go in the install folder, and what their `path` says. */
export const MSI_MANIFEST_FILE: Record<BrowserFamily, string> = {
  chromium: 'dev.porthole.host.chromium.json',
  firefox: 'dev.porthole.host.firefox.json',
};
export const MSI_INSTALL_DIR_DESCRIPTION = '%LOCALAPPDATA%\\Programs\\Porthole';

export class MsiBuildError extends InstallerError<'wixl-missing' | 'wixl-failed' | 'no-msi-for-target' | 'bad-version'> {}

/** RFC 4122 name-based (SHA-1) UUID, upper case as MSI writes them. */
export function uuidV5(namespace: string, name: string): string {
  const hash = createHash('sha1')
    .update(Buffer.concat([Buffer.from(namespace.replace(/-/g, ''), 'hex'), Buffer.from(name, 'utf8')]))
    .digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex').toUpperCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const guid = (name: string): string => uuidV5(GUID_NAMESPACE, name);

/** MSI product versions are three numbers (255.255.65535); a prerelease keeps its release's numbers. */
export function msiVersion(version: string): string {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (match === null || Number(match[1]) > 255 || Number(match[2]) > 255 || Number(match[3]) > 65535) {
    throw new MsiBuildError('bad-version', `"${version}" cannot be an MSI ProductVersion (major.minor.build, at most 255.255.65535).`);
  }
  return `${Number(match[1])}.${Number(match[2])}.${Number(match[3])}`;
}

export function msiFileName(version: string, target: Target): string {
  return `porthole-${version}-${target.id}.msi`;
}

export function canBuildMsi(target: Target): boolean {
  return target.id === 'win-x64';
}

export interface MsiRegistration {
  browser: BrowserName;
  family: BrowserFamily;
  /** Under HKCU, without the root: `Software\Google\Chrome\NativeMessagingHosts\dev.porthole.host`. */
  key: string;
}

/** The host's own Windows registration table, so that the .msi and `porthole-host install` never disagree. */
export function msiRegistrations(): MsiRegistration[] {
  return platformFor('win32')
    .browserLocations({ env: {}, home: 'C:\\Users\\porthole' })
    .map(({ browser, family, registryKey }) => {
      if (registryKey === undefined || !registryKey.startsWith('HKCU\\'))
        throw new Error(`The win32 platform gives ${browser} no HKCU key (${String(registryKey)}).`);
      return { browser, family, key: registryKey.slice('HKCU\\'.length) };
    });
}

export function manifestJson(family: BrowserFamily, target: Target): string {
  // Windows line endings: the file is read on Windows, and Notepad users may open it.
  return `${JSON.stringify(buildHostManifest(family, hostExecutableName(target)), null, 2)}\n`.replace(/\n/g, '\r\n');
}

const xml = (value: string): string => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface WxsInput {
  target: Target;
  version: string;
  /** Whether cloudflared.exe is in the source folder too. */
  withCloudflared: boolean;
}

/**
 * The WiX source wixl builds from, naming its sources relative to the folder wixl runs in (wixl
 * refuses absolute Source paths): porthole-host.exe, cloudflared.exe and the two manifests. Pure.
 */
export function renderWxs({ target, version, withCloudflared }: WxsInput): string {
  const registrations = msiRegistrations();
  const cloudflaredName = `cloudflared${target.exeSuffix}`;
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<!-- Generated by installers/windows/build-msi.ts: edit that, not this. -->',
    '<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">',
    `  <Product Id="${guid(`product/${target.id}/${version}`)}" Name="Porthole" Language="1033" Version="${msiVersion(version)}" Manufacturer="Porthole" UpgradeCode="${MSI_UPGRADE_CODE}">`,
    `    <Package InstallerVersion="500" Compressed="yes" InstallScope="perUser" Description="Porthole ${xml(version)}" Comments="Porthole's native messaging host: shares a localhost page through a Cloudflare quick tunnel."/>`,
    '    <MajorUpgrade DowngradeErrorMessage="A newer version of Porthole is already installed."/>',
    '    <MediaTemplate EmbedCab="yes"/>',
    '    <Property Id="ARPNOMODIFY" Value="1"/>',
    `    <Property Id="ARPCOMMENTS" Value="Porthole ${xml(version)}: the native messaging host for the Porthole browser extension."/>`,
    '    <Directory Id="TARGETDIR" Name="SourceDir">',
    '      <Directory Id="LocalAppDataFolder">',
    '        <Directory Id="UserProgramsDir" Name="Programs">',
    // Per-user components need an HKCU key path and must remove the folders they create (ICE38, ICE64).
    `          <Component Id="UserProgramsDir" Guid="${guid('component/user-programs-dir')}" Win64="yes">`,
    '            <RegistryValue Root="HKCU" Key="Software\\Porthole" Name="ProgramsDir" Type="string" Value="[UserProgramsDir]" KeyPath="yes"/>',
    '            <RemoveFolder Id="RemoveUserProgramsDir" On="uninstall"/>',
    '          </Component>',
    '          <Directory Id="INSTALLDIR" Name="Porthole">',
    `            <Component Id="Host" Guid="${guid('component/host')}" Win64="yes">`,
    '              <RegistryValue Root="HKCU" Key="Software\\Porthole" Name="InstallDir" Type="string" Value="[INSTALLDIR]" KeyPath="yes"/>',
    '              <RegistryValue Root="HKCU" Key="Software\\Porthole" Name="-" Type="string" Value=""/>',
    `              <File Id="HostExe" Name="${hostExecutableName(target)}" Source="${hostExecutableName(target)}"/>`,
    `              <File Id="ChromiumManifest" Name="${MSI_MANIFEST_FILE.chromium}" Source="${MSI_MANIFEST_FILE.chromium}"/>`,
    `              <File Id="FirefoxManifest" Name="${MSI_MANIFEST_FILE.firefox}" Source="${MSI_MANIFEST_FILE.firefox}"/>`,
    ...registrations.flatMap(({ browser, family, key }) => [
      `              <!-- ${browser} -->`,
      `              <RegistryValue Root="HKCU" Key="${xml(key)}" Type="string" Value="[INSTALLDIR]${MSI_MANIFEST_FILE[family]}"/>`,
      `              <RegistryValue Root="HKCU" Key="${xml(key)}" Name="-" Type="string" Value=""/>`,
    ]),
    '              <RemoveFolder Id="RemoveInstallDir" On="uninstall"/>',
    '            </Component>',
    ...(!withCloudflared
      ? []
      : [
          `            <Component Id="Cloudflared" Guid="${guid('component/cloudflared')}" Win64="yes">`,
          `              <RegistryValue Root="HKCU" Key="Software\\Porthole" Name="Cloudflared" Type="string" Value="[INSTALLDIR]${cloudflaredName}" KeyPath="yes"/>`,
          `              <File Id="CloudflaredExe" Name="${cloudflaredName}" Source="${cloudflaredName}"/>`,
          '            </Component>',
        ]),
    '          </Directory>',
    '        </Directory>',
    '      </Directory>',
    '    </Directory>',
    '    <Feature Id="Porthole" Title="Porthole" Level="1">',
    '      <ComponentRef Id="UserProgramsDir"/>',
    '      <ComponentRef Id="Host"/>',
    ...(withCloudflared ? ['      <ComponentRef Id="Cloudflared"/>'] : []),
    '    </Feature>',
    '  </Product>',
    '</Wix>',
  ];
  return `${lines.join('\n')}\n`;
}

export interface MsiInput {
  target: Target;
  version: string;
  hostExecutable: string;
  /** Bundled beside the host when given. */
  cloudflared?: string | undefined;
  outDir: string;
}

/** Builds dist/package/porthole-<version>-win-x64.msi (or into `outDir`) and returns its path. */
export async function buildMsi(input: MsiInput): Promise<string> {
  if (!canBuildMsi(input.target)) {
    throw new MsiBuildError('no-msi-for-target', `No .msi for ${input.target.id}: wixl builds x86 and x64 packages only.`);
  }
  const outFile = join(input.outDir, msiFileName(input.version, input.target));
  const work = mkdtempSync(join(tmpdir(), 'porthole-msi-'));
  try {
    for (const family of ['chromium', 'firefox'] as const)
      writeFileSync(join(work, MSI_MANIFEST_FILE[family]), manifestJson(family, input.target));
    // Links, not 100 MB copies: wixl reads through them.
    symlinkSync(resolve(input.hostExecutable), join(work, hostExecutableName(input.target)));
    if (input.cloudflared !== undefined) symlinkSync(resolve(input.cloudflared), join(work, `cloudflared${input.target.exeSuffix}`));
    const wxs = join(work, 'porthole.wxs');
    writeFileSync(wxs, renderWxs({ target: input.target, version: input.version, withCloudflared: input.cloudflared !== undefined }));
    mkdirSync(input.outDir, { recursive: true });
    rmSync(outFile, { force: true });
    try {
      const { stderr } = await run('wixl', ['--arch', 'x64', '--output', resolve(outFile), 'porthole.wxs'], {
        cwd: work,
        maxBuffer: 16 * 1024 * 1024,
      });
      // wixl warns about attributes it ignores on stderr and still succeeds: ignoring one silently could drop a registry row.
      if (/WARNING|CRITICAL/.test(stderr)) throw Object.assign(new Error(stderr), { stderr });
    } catch (error) {
      rmSync(outFile, { force: true });
      const failure = error as NodeJS.ErrnoException & { stderr?: string };
      if (failure.code === 'ENOENT') {
        throw new MsiBuildError(
          'wixl-missing',
          'wixl is not installed: on Debian or Ubuntu, apt-get install wixl (its own package, not msitools).',
          { cause: error },
        );
      }
      throw new MsiBuildError('wixl-failed', `wixl could not build ${outFile}: ${(failure.stderr ?? failure.message).trim()}`, {
        cause: error,
      });
    }
    return outFile;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
