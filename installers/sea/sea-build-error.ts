import { InstallerError } from '../installer-error.js';

/**
 * Every failure of the single-executable build: a code a script can branch on, and a sentence that
 * says what failed and what to do about it.
 */
export type SeaBuildErrorCode =
  | 'node-fetch-failed'
  | 'node-integrity-mismatch'
  | 'archive-entry-missing'
  | 'sea-blob-failed'
  | 'osslsigncode-missing'
  | 'unsign-failed'
  | 'inject-failed'
  | 'macho-unsupported'
  | 'executable-does-not-start';

export class SeaBuildError extends InstallerError<SeaBuildErrorCode> {}
