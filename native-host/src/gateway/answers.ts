/**
 * Response heads and whole answers as the gateway writes them on a visitor's connection. Pure.
 * The gateway writes bytes, not node:http objects (issue 15): these are the only places they are
 * put together, with a length always (or no body), so every answer is framed.
 */
import { STATUS_CODES } from 'node:http';

export type HeaderList = [name: string, value: string][];

/** `HTTP/1.1 status reason`, the headers, and the blank line; `close` adds `Connection: close`. */
export function responseHead(status: number, reason: string | null, headers: HeaderList, close: boolean): string {
  let head = `HTTP/1.1 ${status} ${reason ?? STATUS_CODES[status] ?? ''}\r\n`;
  for (const [name, value] of headers) head += `${name}: ${value}\r\n`;
  if (close) head += 'Connection: close\r\n';
  return `${head}\r\n`;
}

/** A complete answer of the gateway's own; `head`: for a HEAD request (the length, not the body). */
export function answer(status: number, headers: Record<string, string>, body: string, options: { close: boolean; head?: boolean }): Buffer {
  const bytes = Buffer.from(body, 'utf8');
  const list: HeaderList = Object.entries(headers);
  list.push(['Content-Length', String(bytes.length)]);
  const start = Buffer.from(responseHead(status, null, list, options.close), 'latin1');
  return options.head === true ? start : Buffer.concat([start, bytes]);
}
