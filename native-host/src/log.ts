/**
 * The host's log: to stderr (the browser shows it when started from a terminal) and to a file in
 * the state directory, where `porthole-host doctor` and bug reports find it. Never to stdout.
 */
import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Keeps the log from growing without end: one previous file is kept beside it. */
const ROTATE_AT_BYTES = 1024 * 1024;

export function createLogger(options: { file: string | null; stderr: boolean }): Logger {
  let file = options.file;
  if (file !== null) {
    try {
      mkdirSync(dirname(file), { recursive: true });
      if ((statSync(file, { throwIfNoEntry: false })?.size ?? 0) > ROTATE_AT_BYTES) renameSync(file, `${file}.1`);
    } catch {
      file = null;
    }
  }
  const write = (level: string, message: string): void => {
    const line = `${new Date().toISOString()} ${level} [${process.pid}] ${message}\n`;
    if (options.stderr) process.stderr.write(line);
    if (file === null) return;
    try {
      appendFileSync(file, line);
    } catch {
      // A full disk or a read-only home must not take the host down with it.
      file = null;
    }
  };
  return {
    info: (message) => write('INF', message),
    warn: (message) => write('WRN', message),
    error: (message) => write('ERR', message),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
