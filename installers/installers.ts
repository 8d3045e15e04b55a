/** The installers Porthole ships, one entry each (see installer-builder.ts). */
import { buildDeb } from './deb/build-deb.js';
import type { InstallerBuilder } from './installer-builder.js';
import { buildMacosArchive, canBuildMacosArchive } from './macos/build-macos.js';
import type { Target } from './targets.js';
import { buildMsi, canBuildMsi } from './windows/build-msi.js';

export const INSTALLER_BUILDERS: readonly InstallerBuilder[] = [
  {
    kind: 'deb',
    fits: (target) => target.platform === 'linux',
    tool: { command: 'dpkg-deb', install: 'dpkg-deb comes with Debian and Ubuntu (package dpkg)' },
    build: buildDeb,
  },
  {
    kind: 'msi',
    fits: canBuildMsi,
    tool: { command: 'wixl', install: 'on Debian or Ubuntu: apt-get install wixl' },
    build: buildMsi,
  },
  { kind: 'macos-archive', fits: canBuildMacosArchive, build: buildMacosArchive },
];

/** The installer a target gets, if any (win-arm64 has none: wixl cannot build ARM64 packages). */
export function installerFor(target: Target): InstallerBuilder | undefined {
  return INSTALLER_BUILDERS.find((builder) => builder.fits(target));
}
