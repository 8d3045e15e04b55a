import { describe, expect, it } from 'vitest';
import { isProbeAnswer, isProbeRequest, newProbeToken, probeAnswer, probePath } from '../probe-token.js';

describe('probe token', () => {
  const token = newProbeToken();

  it('is long, random and URL-safe', () => {
    expect(token).toMatch(/^[0-9a-f]{48}$/);
    expect(newProbeToken()).not.toBe(token);
  });

  it.each([
    [probePath(token), true],
    [`${probePath(token)}?nocache=1`, true],
    [`${probePath(token)}/`, false],
    [`${probePath(token)}x`, false],
    [probePath(token.slice(0, -1)), false],
    [probePath(newProbeToken()), false],
    ['/.well-known/porthole-probe/', false],
    ['/', false],
    [undefined, false],
  ])('%s is the probe: %s', (url, expected) => {
    expect(isProbeRequest(url, token)).toBe(expected);
  });

  it('is answered with a value derived from the token, not the token itself', () => {
    expect(probeAnswer(token)).not.toContain(token);
    expect(isProbeAnswer(200, probeAnswer(token), token)).toBe(true);
    expect(isProbeAnswer(200, probeAnswer(newProbeToken()), token)).toBe(false);
    expect(isProbeAnswer(200, token, token)).toBe(false);
    expect(isProbeAnswer(502, probeAnswer(token), token)).toBe(false);
  });
});
