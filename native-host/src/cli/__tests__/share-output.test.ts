import { describe, expect, it } from 'vitest';
import type { Share, ShareEvent } from '../../protocol/index.js';
import { formatStopTime, type OutputMemory, progressLines } from '../share-output.js';

const share = (fields: Partial<Share> = {}): Share =>
  ({
    id: 's1',
    origin: 'http://localhost:3000',
    state: 'live',
    url: 'https://a-b.trycloudflare.com',
    error: null,
    startedAt: 0,
    ...fields,
  }) as Share;
const event = (change: ShareEvent['change'], fields: Partial<Share> = {}): ShareEvent => ({
  type: 'share-event',
  change,
  share: share(fields),
});

describe('when a share stops, in local time', () => {
  const now = new Date(2026, 11, 1, 14, 5).getTime();
  it('today: the time only; another day: the date too', () => {
    expect(formatStopTime(new Date(2026, 11, 1, 14, 35).getTime(), now)).toBe('14:35');
    expect(formatStopTime(new Date(2026, 11, 2, 9, 7).getTime(), now)).toBe('2026-12-02 09:07');
  });

  it('is printed when the share is live', () => {
    const memory: OutputMemory = { originAnswered: false, requestsShown: 0 };
    const text = progressLines(event('live', { expiresAt: now + 30 * 60_000 }), memory, now);
    expect(text).toContain('… the share stops at 14:35 (local time, in 30 min)\n');
    expect(progressLines(event('live', { expiresAt: null }), memory, now)).not.toContain('stops at');
    expect(progressLines(event('live', { expiresAt: now + 36 * 60 * 60_000 }), memory, now)).toContain(
      '… the share stops at 2026-12-03 02:05 (local time, in 36 h)',
    );
  });
});

describe('the local server', () => {
  it('not running yet, at the start: start it', () => {
    const memory: OutputMemory = { originAnswered: false, requestsShown: 0 };
    expect(progressLines(event('origin-unreachable'), memory, 0)).toBe(
      '! nothing answers at http://localhost:3000 yet: start your local server (visitors see a "not running" page until then)\n',
    );
  });

  it('stopped after it had answered: says it stopped, not "yet"', () => {
    const memory: OutputMemory = { originAnswered: false, requestsShown: 0 };
    progressLines(event('live'), memory, 0);
    const text = progressLines(event('origin-unreachable'), memory, 0);
    expect(text).toBe(
      '✗ http://localhost:3000 stopped answering: your local server seems to have stopped. The share stays up, and visitors see a "not running" page until it is back.\n',
    );
    expect(progressLines(event('origin-reachable'), memory, 0)).toBe('✓ http://localhost:3000 answers again\n');
  });

  it('came up late, then stopped', () => {
    const memory: OutputMemory = { originAnswered: false, requestsShown: 0 };
    progressLines(event('live', { warnings: [{ code: 'origin-unreachable', message: '' }] } as Partial<Share>), memory, 0);
    expect(memory.originAnswered).toBe(false);
    expect(progressLines(event('origin-reachable'), memory, 0)).toBe('✓ http://localhost:3000 answers\n');
    expect(progressLines(event('origin-unreachable'), memory, 0)).toMatch(/stopped answering/);
  });
});
