/**
 * Reading what each OS says about a process, as pure functions over the text it gives: what the
 * orphan reaper compares with its records before it signals anything (issue 9, finding 5).
 */

/** What the reaper needs to know about a live process to tell it from another with the same pid. */
export interface ProcessInfo {
  /**
   * The argument list exactly as the process was started, where the OS keeps it apart (Linux's
   * NUL-separated /proc/<pid>/cmdline, Windows' command line parsed by the C runtime's rules);
   * null where only a space-joined line exists (macOS `ps`).
   */
  argv: string[] | null;
  /** The command line as one string. */
  commandLine: string;
  /**
   * The same for the whole life of one process and different for the next process the OS gives
   * the same pid; compared as an opaque string. Null when the OS would not say.
   */
  startTime: string | null;
}

/**
 * /proc/<pid>/cmdline: each argument followed by a NUL. Empty arguments stay (`a\0\0b\0` is three
 * arguments); a zombie or kernel thread has none.
 */
export function parseProcCmdline(raw: string): string[] {
  if (raw === '') return [];
  const body = raw.endsWith('\0') ? raw.slice(0, -1) : raw;
  return body.split('\0');
}

/**
 * /proc/<pid>/stat field 22, `starttime`: clock ticks after boot at which the process started.
 * Field 2 is the command name in parentheses, which may itself hold spaces and parentheses, so
 * counting starts after the last `)`: there, field 3 is the first (proc(5)).
 */
export function parseProcStatStartTicks(stat: string): string | null {
  const close = stat.lastIndexOf(')');
  if (close === -1) return null;
  const fields = stat
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const ticks = fields[22 - 3];
  return ticks !== undefined && /^\d+$/.test(ticks) ? ticks : null;
}

/**
 * `ps -o lstart= -o command=` under LC_ALL=C: a 24-character start time (`Tue Dec  1 20:40:29
 * 2026`), a space, the command line. Start times are whole seconds: a pid given to another
 * process within the same second would pass, the best macOS offers without native code.
 */
export function parsePsLine(line: string): { startTime: string; commandLine: string } | null {
  const match = /^\s*([A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}) (.*)$/.exec(line.replace(/\n+$/, ''));
  if (match === null) return null;
  return { startTime: match[1]!, commandLine: match[2]! };
}

/**
 * A Windows command line split as the Microsoft C runtime splits it for `main(argc, argv)`, which
 * is how Node (libuv's quote_cmd_arg) quotes what it spawns: the program name runs to the next
 * quote if it starts with one, else to the first space; in the arguments, 2n backslashes before a
 * quote are n backslashes and the quote opens or closes, 2n+1 are n and a literal quote, and `""`
 * inside quotes is a literal quote.
 */
export function parseWindowsCommandLine(line: string): string[] {
  const argv: string[] = [];
  let i = 0;
  if (line.startsWith('"')) {
    const end = line.indexOf('"', 1);
    argv.push(end === -1 ? line.slice(1) : line.slice(1, end));
    i = end === -1 ? line.length : end + 1;
  } else {
    const end = line.search(/[ \t]/);
    argv.push(end === -1 ? line : line.slice(0, end));
    i = end === -1 ? line.length : end;
  }
  while (i < line.length) {
    while (line[i] === ' ' || line[i] === '\t') i++;
    if (i >= line.length) break;
    let arg = '';
    let quoted = false;
    while (i < line.length && (quoted || (line[i] !== ' ' && line[i] !== '\t'))) {
      if (line[i] === '\\') {
        let slashes = 0;
        while (line[i] === '\\') {
          slashes++;
          i++;
        }
        if (line[i] === '"') {
          arg += '\\'.repeat(Math.floor(slashes / 2));
          if (slashes % 2 === 1) {
            arg += '"';
            i++;
          }
        } else {
          arg += '\\'.repeat(slashes);
        }
      } else if (line[i] === '"') {
        if (quoted && line[i + 1] === '"') {
          arg += '"';
          i += 2;
        } else {
          quoted = !quoted;
          i++;
        }
      } else {
        arg += line[i];
        i++;
      }
    }
    argv.push(arg);
  }
  return argv;
}
