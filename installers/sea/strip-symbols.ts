/**
 * Strips the symbol table from an ELF Node binary before the blob goes in: the official Linux
 * binaries carry about 17 MB of symbols that nothing at run time reads (the dynamic symbols native
 * addons link against live in .dynsym, which stripping keeps). Stripping must come before injection:
 * postject appends the blob as a note the loader finds, and a later strip would rewrite the layout.
 *
 * Mach-O is not stripped here: the executable is signed afterwards, and a changed layout should be
 * checked with Apple's own codesign, which only a Mac has (the release workflow). PE binaries ship
 * their symbols in separate .pdb files: nothing to strip.
 */
import { execFile } from 'node:child_process';
import type { ExecutableFormat } from '../targets.js';

export type StripResult = { stripped: true; tool: string } | { stripped: false; reason: string };

/** llvm-strip reads every architecture; binutils' strip only its own machine's (enough for a native build). */
export const STRIP_TOOLS: readonly string[] = ['llvm-strip', 'strip'];

function run(tool: string, file: string): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(tool, ['--strip-all', file], (error, _stdout, stderr) => {
      if (error === null) return resolve(null);
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      resolve(missing ? `${tool}: not installed` : `${tool}: ${stderr.trim() || error.message}`);
    });
  });
}

/**
 * An unstripped executable runs exactly the same, only larger: a missing or failing tool is a note
 * for the build's output, not an error. `tools` is the order to try (tests name missing ones).
 */
export async function stripSymbols(file: string, format: ExecutableFormat, { tools = STRIP_TOOLS } = {}): Promise<StripResult> {
  if (format !== 'elf') return { stripped: false, reason: `${format} binaries are not stripped here` };
  const failures: string[] = [];
  for (const tool of tools) {
    const failure = await run(tool, file);
    if (failure === null) return { stripped: true, tool };
    failures.push(failure);
  }
  return { stripped: false, reason: failures.join('; ') };
}
