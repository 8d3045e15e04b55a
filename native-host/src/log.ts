/**
 * The host's log: to stderr (the browser shows it when started from a terminal) and to a file in
 * the state directory, where `porthole-host doctor` and bug reports find it. Never to stdout.
 * Every line is scrubbed of query strings and URL passwords first (redact.ts), and the file is
 * readable by its owner only, whatever the umask (issue 9, finding 6).
 */
import { chmodSync, closeSync, renameSync, statSync, writeSync } from 'node:fs';
import { scrubLogLine } from './redact.js';
import { openPrivateFile } from './state-dir.js';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Keeps the log from growing without end: one previous file is kept beside it. */
const ROTATE_AT_BYTES = 1024 * 1024;

/**
 * `file` is null when there is nowhere safe to keep a log (no state folder, or one Porthole
 * refused: see state-dir.ts); the caller has already checked that its folder is private.
 */
export function createLogger(options: { file: string | null; stderr: boolean }): Logger {
  let fd: number | null = null;
  if (options.file !== null) {
    try {
      if ((statSync(options.file, { throwIfNoEntry: false })?.size ?? 0) > ROTATE_AT_BYTES) {
        renameSync(options.file, `${options.file}.1`);
        // Written by an older host under the umask, maybe 0644.
        chmodSync(`${options.file}.1`, 0o600);
      }
      fd = openPrivateFile(options.file, 'append');
    } catch {
      fd = null;
    }
  }
  const write = (level: string, message: string): void => {
    const line = `${scrubLogLine(`${new Date().toISOString()} ${level} [${process.pid}] ${message}`)}\n`;
    if (options.stderr) process.stderr.write(line);
    if (fd === null) return;
    try {
      writeSync(fd, line);
    } catch {
      // A full disk or a read-only home must not take the host down with it.
      const broken = fd;
      fd = null;
      try {
        closeSync(broken);
      } catch {
        // Nothing more to lose.
      }
    }
  };
  return {
    info: (message) => write('INF', message),
    warn: (message) => write('WRN', message),
    error: (message) => write('ERR', message),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
