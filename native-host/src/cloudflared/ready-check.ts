/**
 * One look at cloudflared's metrics server `/ready` (200 once a connection is registered, 503
 * before): a bare socket and the status line, not node:http. Measured with 20 waiting shares
 * polled every 30 s (issue 15): each http.get ran the HTTP client's cold code again (V8 had
 * dropped it between polls), 2–6 ms of CPU per look; this is a few dozen lines of it.
 */
import { connect } from 'node:net';

/** `127.0.0.1:39391` or `[::1]:39391`, as cloudflared prints it; null for anything else. */
export function splitMetricsAddress(address: string): { host: string; port: number } | null {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]]+)):(\d{1,5})$/.exec(address);
  const port = Number(match?.[3]);
  if (match === null || !(port > 0 && port < 65536)) return null;
  return { host: match[1] ?? match[2]!, port };
}

/** True when the status line says 200; false for any other answer, no answer, or an address that is not one. */
export function checkReady(address: string, timeoutMs: number): Promise<boolean> {
  const target = splitMetricsAddress(address);
  if (target === null) return Promise.resolve(false);
  return new Promise((resolve) => {
    let head = '';
    const socket = connect(target);
    const done = (ready: boolean): void => {
      socket.destroy();
      resolve(ready);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('error', () => done(false));
    socket.on('end', () => done(/^HTTP\/1\.[01] 200 /.test(head)));
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (head.includes('\r\n')) done(/^HTTP\/1\.[01] 200 /.test(head));
    });
    socket.write(`GET /ready HTTP/1.1\r\nHost: ${address}\r\nConnection: close\r\n\r\n`);
  });
}
