/**
 * Every failure of building or packaging Porthole: a code a script can branch on, and a sentence
 * that says what failed and what to do about it. Each step names its own codes in a subclass.
 */
export class InstallerError<Code extends string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}
