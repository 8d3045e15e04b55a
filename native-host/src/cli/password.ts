/**
 * Where `porthole-host share` gets the visitors' password: never from argv (issue 9: a command line
 * is readable by every user of the computer), but from $PORTHOLE_PASSWORD, from standard input
 * (`--password-stdin`), or from a prompt at the terminal that shows nothing of what is typed.
 * Whatever the source, the variable is removed from the environment once read, so that no child
 * process (cloudflared, `cloudflared --version`) inherits it.
 */
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../protocol/validate.js';
import { PASSWORD_ENV, type PasswordSource } from './share-args.js';

/** The part of a terminal's stdin the prompt needs; `process.stdin` is one. */
export interface PasswordInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

export type PasswordResult =
  | { ok: true; password: string | null; source: PasswordSource }
  | { ok: false; message: string; interrupted?: boolean };

// ── pure parts ──────────────────────────────────────────────────────────────────────────────────

export interface HiddenLine {
  text: string;
  state: 'typing' | 'done' | 'aborted';
}

/**
 * Feeds what a terminal in raw mode delivers into the line being typed: Enter ends it, Backspace
 * and Ctrl-U edit it, Ctrl-C aborts, Ctrl-D ends (aborts on an empty line); escape sequences (arrow
 * keys) and other control characters are dropped rather than becoming part of a password.
 */
export function typeHidden(line: HiddenLine, chunk: string): HiddenLine {
  let { text } = line;
  for (let i = 0; i < chunk.length; i++) {
    const c = chunk[i]!;
    if (c === '\r' || c === '\n') return { text, state: 'done' };
    if (c === '\u0003') return { text: '', state: 'aborted' };
    if (c === '\u0004') return text === '' ? { text, state: 'aborted' } : { text, state: 'done' };
    if (c === '\u007f' || c === '\b') text = Array.from(text).slice(0, -1).join('');
    else if (c === '\u0015') text = '';
    else if (c === '\u001b') {
      // CSI: ESC [ parameters… final byte (0x40–0x7e); SS3: ESC O x.
      if (chunk[i + 1] === '[') {
        i += 2;
        while (i < chunk.length && !/[\u0040-\u007e]/.test(chunk[i]!)) i++;
      } else if (chunk[i + 1] === 'O') i += 2;
      else i += 1;
    } else if (c >= ' ') text += c;
  }
  return { text, state: 'typing' };
}

/** The first line of what was piped in, without its line ending (`echo pw | …` adds one). */
export function passwordFromStdinText(text: string): string {
  const end = text.search(/\r?\n/);
  return end === -1 ? text : text.slice(0, end);
}

const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** The contract's rule for a password, in the CLI's words; the value is never repeated back. */
export function checkPassword(password: string, from: string): string | null {
  if (password.length === 0) return `The password ${from} is empty; a share password needs at least ${MIN_PASSWORD_LENGTH} characters.`;
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    return `The password ${from} is too short: anyone with the address can try to guess it, so it needs at least ${MIN_PASSWORD_LENGTH} characters (a few words work well).`;
  }
  if (password.length > MAX_PASSWORD_LENGTH)
    return `The password ${from} is ${password.length} characters long; at most ${MAX_PASSWORD_LENGTH} are allowed.`;
  if (CONTROL_CHARACTER.test(password))
    return `The password ${from} contains a control character (a tab, an escape…), which visitors could not type; choose another.`;
  return null;
}

// ── I/O ─────────────────────────────────────────────────────────────────────────────────────────

function readAll(input: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    input.on('data', (chunk: Buffer | string) => chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
    input.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    input.once('error', reject);
    input.resume();
  });
}

/**
 * One hidden line from a terminal already in raw mode (the caller sets it before the first prompt
 * appears, so that nothing typed after the prompt is ever echoed or turned into a signal).
 */
export function promptHidden(input: PasswordInput, output: NodeJS.WritableStream, question: string): Promise<HiddenLine> {
  return new Promise((resolve) => {
    let line: HiddenLine = { text: '', state: 'typing' };
    const finish = (): void => {
      input.off('data', onData);
      input.off('end', onEnd);
      input.pause();
      output.write('\n');
      resolve(line);
    };
    const onData = (chunk: Buffer | string): void => {
      line = typeHidden(line, chunk.toString());
      if (line.state !== 'typing') finish();
    };
    const onEnd = (): void => {
      line = { text: line.text, state: line.text === '' ? 'aborted' : 'done' };
      finish();
    };
    input.on('data', onData);
    input.on('end', onEnd);
    output.write(question);
    input.resume();
  });
}

/** Asks twice, in raw mode from before the first prompt until after the second, restored whatever happens. */
async function promptTwice(
  input: PasswordInput & { setRawMode(mode: boolean): unknown },
  output: NodeJS.WritableStream,
): Promise<PasswordResult> {
  input.setRawMode(true);
  try {
    const first = await promptHidden(input, output, 'Password for visitors (not shown as you type): ');
    if (first.state === 'aborted') return { ok: false, message: 'No password given; nothing was shared.', interrupted: true };
    const problem = checkPassword(first.text, 'you typed');
    if (problem !== null) return { ok: false, message: problem };
    const again = await promptHidden(input, output, 'Type it again to confirm: ');
    if (again.state === 'aborted') return { ok: false, message: 'No password given; nothing was shared.', interrupted: true };
    if (again.text !== first.text)
      return { ok: false, message: 'The two passwords you typed differ; nothing was shared. Run the command again.' };
    return { ok: true, password: first.text, source: 'prompt' };
  } finally {
    input.setRawMode(false);
  }
}

const ALTERNATIVES = `set ${PASSWORD_ENV}, or pipe it in with --password-stdin`;

export async function readSharePassword(
  source: PasswordSource,
  io: { env: NodeJS.ProcessEnv; stdin: PasswordInput; stderr: NodeJS.WritableStream },
): Promise<PasswordResult> {
  const fromEnv = io.env[PASSWORD_ENV];
  // Read once, then gone: children of this process must not inherit it.
  delete io.env[PASSWORD_ENV];
  let password: string;
  let from: string;
  let used: PasswordSource = source;
  switch (source) {
    case 'none':
      if (fromEnv === undefined || fromEnv === '') return { ok: true, password: null, source: 'none' };
      password = fromEnv;
      from = `in ${PASSWORD_ENV}`;
      used = 'env';
      break;
    case 'env':
      password = fromEnv ?? '';
      from = `in ${PASSWORD_ENV}`;
      break;
    case 'stdin':
      if (io.stdin.isTTY === true) {
        return {
          ok: false,
          message:
            '--password-stdin reads the password from a pipe or a file, and standard input is a terminal here. At a terminal use --password, which asks without showing what you type.',
        };
      }
      password = passwordFromStdinText(await readAll(io.stdin));
      from = 'read from standard input';
      break;
    case 'prompt': {
      const stdin = io.stdin;
      if (stdin.isTTY !== true || stdin.setRawMode === undefined) {
        return {
          ok: false,
          message: `--password asks for the password at a terminal, and standard input is not one here: ${ALTERNATIVES}.`,
        };
      }
      return promptTwice(stdin as PasswordInput & { setRawMode(mode: boolean): unknown }, io.stderr);
    }
  }
  const problem = checkPassword(password, from);
  return problem === null ? { ok: true, password, source: used } : { ok: false, message: problem };
}
