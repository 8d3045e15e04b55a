/**
 * Every OS installer behind one interface: which targets it packages, the tool it needs, and how
 * it is built. `npm run package` walks this list; adding an installer is adding one entry.
 */
import type { Target } from './targets.js';

/** What every installer is built from: one target's executable, and cloudflared when bundled. */
export interface InstallerInput {
  target: Target;
  version: string;
  hostExecutable: string;
  /** Bundled beside the host when given. */
  cloudflared?: string | undefined;
  outDir: string;
}

export interface InstallerBuilder {
  kind: 'deb' | 'msi' | 'macos-archive';
  fits(target: Target): boolean;
  /** A program the build runs, checked before anything is built; none for the ones written in TypeScript. */
  tool?: { command: string; install: string };
  build(input: InstallerInput): Promise<string>;
}
