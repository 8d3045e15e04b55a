/**
 * Who a request is from, for limits (wrong passwords, concurrent requests). Pure.
 *
 * Every request to the gateway comes from cloudflared on 127.0.0.1, so the socket's address says
 * nothing about the visitor: cloudflared passes the visitor's address as `CF-Connecting-IP`, which
 * Cloudflare's edge sets itself (a visitor-sent one is overwritten there). The gateway trusts it
 * only because it listens on 127.0.0.1 and its one client is the cloudflared Porthole started;
 * anything else able to connect to it is a program of the developer's own. Without the header (a
 * local tool) the socket's address is used.
 *
 * IPv6 addresses count by their /64: one home or phone connection gets a whole /64, and an attacker
 * with one could otherwise be a new visitor per guess.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';

/** The visitor's own address, as given (for X-Forwarded-For). */
export function clientAddress(headers: IncomingHttpHeaders, socketAddress: string | undefined): string {
  const header = headers['cf-connecting-ip'];
  const given = (Array.isArray(header) ? header[0] : header)?.trim();
  return given !== undefined && given !== '' ? given : (socketAddress ?? '?');
}

/** The key limits count by: the address, IPv6 by its /64. */
export function visitorAddress(headers: IncomingHttpHeaders, socketAddress: string | undefined): string {
  return normaliseAddress(clientAddress(headers, socketAddress));
}

export function normaliseAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1] !== undefined) return mapped[1];
  if (isIP(address) !== 6) return address;
  const [head = '', tail] = address.toLowerCase().split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
