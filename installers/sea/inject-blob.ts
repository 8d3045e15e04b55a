/**
 * Puts the SEA blob into a copy of the Node binary with postject, the tool Node's documentation
 * names, through its JS API so that no second Node process has to start.
 */
import { readFile } from 'node:fs/promises';
import { inject } from 'postject';
import type { ExecutableFormat } from '../targets.js';
import { SeaBuildError } from './sea-build-error.js';

/** The fuse Node looks for to know a blob was injected (from Node's single-executable docs). */
export const SEA_SENTINEL_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
export const SEA_RESOURCE_NAME = 'NODE_SEA_BLOB';
/** Node reads the blob from this Mach-O segment on macOS. */
export const SEA_MACHO_SEGMENT = 'NODE_SEA';

/**
 * LIEF, inside postject, warns about every note section of Node's ELF binaries ("Can't find string
 * offset for section name '.note.100'"): harmless (the result runs), and a screenful on every build.
 */
const HARMLESS_LIEF_WARNING = /Can't find string offset for section name/;

/** postject's WebAssembly module prints through console.warn, bound when each inject() starts. */
async function withoutHarmlessWarnings<T>(run: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = (...parts: unknown[]) => {
    if (!HARMLESS_LIEF_WARNING.test(parts.map(String).join(' '))) warn(...parts);
  };
  try {
    return await run();
  } finally {
    console.warn = warn;
  }
}

export async function injectSeaBlob(executable: string, blob: string, format: ExecutableFormat): Promise<void> {
  const data = await readFile(blob);
  try {
    await withoutHarmlessWarnings(() =>
      inject(executable, SEA_RESOURCE_NAME, data, {
        sentinelFuse: SEA_SENTINEL_FUSE,
        ...(format === 'macho' ? { machoSegmentName: SEA_MACHO_SEGMENT } : {}),
      }),
    );
  } catch (error) {
    throw new SeaBuildError('inject-failed', `postject could not inject the SEA blob into ${executable}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
