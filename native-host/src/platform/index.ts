import { darwin } from './darwin.js';
import { linux } from './linux.js';
import type { Platform } from './platform.js';
import { win32 } from './win32.js';

export {
  BROWSERS,
  type BrowserFamily,
  type BrowserLocation,
  type BrowserName,
  isAlive,
  type Platform,
  type PlatformEnv,
  type PrivateDirProblem,
  type PrivateDirVerdict,
  type ProcessInfo,
  type Registry,
} from './platform.js';

const PLATFORMS: Partial<Record<NodeJS.Platform, Platform>> = { linux, darwin, win32 };

/** Other Unixes behave like Linux for everything the host needs except /proc, which ps stands in for. */
export const currentPlatform: Platform = PLATFORMS[process.platform] ?? darwin;

export function platformFor(name: NodeJS.Platform): Platform {
  return PLATFORMS[name] ?? darwin;
}
