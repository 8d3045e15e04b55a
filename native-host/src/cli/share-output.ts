/**
 * What `porthole-host share` writes to the terminal for each share event. Pure: the event and what
 * was already said in, lines out.
 */
import type { Share, ShareEvent, ShareTraffic } from '../protocol/index.js';

const pad = (n: number): string => String(n).padStart(2, '0');

/** Local wall-clock time: `14:05`, or `2026-12-02 14:05` when it is not today. */
export function formatStopTime(at: number, now: number): string {
  const when = new Date(at);
  const today = new Date(now);
  const time = `${pad(when.getHours())}:${pad(when.getMinutes())}`;
  const sameDay = when.getFullYear() === today.getFullYear() && when.getMonth() === today.getMonth() && when.getDate() === today.getDate();
  return sameDay ? time : `${when.getFullYear()}-${pad(when.getMonth() + 1)}-${pad(when.getDate())} ${time}`;
}

function formatDuration(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 1) return `${Math.max(1, Math.round(ms / 1000))} s`;
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

export function stopLine(share: Share, now: number): string {
  if (share.expiresAt === undefined || share.expiresAt === null) return '';
  return `… the share stops at ${formatStopTime(share.expiresAt, now)} (local time, in ${formatDuration(share.expiresAt - now)})\n`;
}

/** The requests that arrived since the last traffic event, oldest first, as lines for the terminal. */
export function newRequestLines(traffic: ShareTraffic, alreadyShown: number): string[] {
  const fresh = Math.min(traffic.requests - alreadyShown, traffic.recent.length);
  return traffic.recent
    .slice(0, Math.max(0, fresh))
    .reverse()
    .map((r) => `  ${r.status || '—'} ${r.method} ${r.path} (${r.ms} ms)\n`);
}

/** What the terminal has learnt so far, so that a message can depend on what came before. */
export interface OutputMemory {
  /** The local server answered at least once during this share. */
  originAnswered: boolean;
  requestsShown: number;
}

const hasWarning = (share: Share, code: string): boolean => share.warnings?.some((warning) => warning.code === code) ?? false;

/** Progress lines (stderr) for one event, and what to remember. */
export function progressLines(event: ShareEvent, memory: OutputMemory, now: number): string {
  const { share } = event;
  switch (event.change) {
    case 'starting':
      return `… starting cloudflared for ${share.origin}\n… asking trycloudflare.com for a public address\n`;
    case 'url':
      return `✓ ${share.url}\n… waiting until the address answers from the internet\n`;
    case 'live': {
      // The gateway looked at the local server when it opened; no warning by now means it answered.
      if (!hasWarning(share, 'origin-unreachable')) memory.originAnswered = true;
      const unverified = share.warnings?.find((warning) => warning.code === 'unverified');
      const head = unverified
        ? `✓ live, not yet confirmed: ${unverified.message} Press Ctrl-C to stop.\n`
        : `✓ live: anyone with the address sees your page${share.password ? ' (after giving the password)' : ''}. Press Ctrl-C to stop.\n`;
      return head + stopLine(share, now);
    }
    case 'verified':
      return '✓ the address answers from the internet now\n';
    case 'origin-unreachable':
      return memory.originAnswered
        ? `✗ ${share.origin} stopped answering: your local server seems to have stopped. The share stays up, and visitors see a "not running" page until it is back.\n`
        : `! nothing answers at ${share.origin} yet: start your local server (visitors see a "not running" page until then)\n`;
    case 'origin-reachable': {
      const again = memory.originAnswered;
      memory.originAnswered = true;
      return `✓ ${share.origin} answers${again ? ' again' : ''}\n`;
    }
    case 'traffic': {
      if (share.traffic === undefined) return '';
      const lines = newRequestLines(share.traffic, memory.requestsShown).join('');
      memory.requestsShown = share.traffic.requests;
      return lines;
    }
    case 'stopped':
      return share.stopReason === 'expired' ? '✓ the share expired\n' : '';
    default:
      return '';
  }
}
