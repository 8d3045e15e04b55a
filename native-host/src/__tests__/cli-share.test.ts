import { describe, expect, it } from 'vitest';
import { newRequestLines, parseShareArgs } from '../cli.js';

describe('porthole-host share arguments', () => {
  it.each([
    [['3000'], { origin: 'http://localhost:3000', options: {} }],
    [['https://localhost:8443/x', '--password', 'pw-long-enough', '--minutes', '0.5', '--keep-host'], { origin: 'https://localhost:8443/x', options: { password: 'pw-long-enough', expiresInMinutes: 0.5, keepPublicHost: true } }],
    [['--password=pw-long-enough', '5173'], { origin: 'http://localhost:5173', options: { password: 'pw-long-enough' } }],
  ])('%j', (args, expected) => {
    expect(parseShareArgs(args)).toEqual({ ok: true, ...expected });
  });

  it.each([
    [[], /needs one port/],
    [['1', '2'], /needs one port/],
    [['3000', '--minutes', 'soon'], /"expiresInMinutes" must be a number/],
    [['3000', '--password', ''], /"password" is too short/],
    [['3000', '--colour'], /Unknown option '--colour'/],
  ])('refuses %j', (args, message) => {
    const parsed = parseShareArgs(args);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(message);
  });
});

describe('request lines in the terminal', () => {
  const recent = [3, 2, 1].map((n) => ({ method: 'GET', path: `/${n}`, status: n === 3 ? 0 : 200, at: n, ms: n }));
  it('prints the new requests, oldest first', () => {
    expect(newRequestLines({ requests: 3, visitors: 1, recent }, 1)).toEqual(['  200 GET /2 (2 ms)\n', '  — GET /3 (3 ms)\n']);
    expect(newRequestLines({ requests: 3, visitors: 1, recent }, 3)).toEqual([]);
    expect(newRequestLines({ requests: 50, visitors: 1, recent }, 0)).toHaveLength(3);
  });
});
