import { describe, expect, it } from 'vitest';
import { describeHostError, RATE_LIMIT_WAIT_MS, splitLinks } from '../error-text';

describe('describeHostError', () => {
  it('a tunnel that never got an address says it was a timeout, not an error answer', () => {
    const text = describeHostError(
      {
        code: 'tunnel-service-error',
        message: 'trycloudflare.com answered with an error instead of a tunnel. The service may be having trouble: try again in a minute.',
        detail: 'no address from trycloudflare.com after 45 s',
      },
      1000,
    );
    expect(text.message).toMatch(/^No answer from trycloudflare\.com in 45 s\./);
    expect(text.message).not.toMatch(/answered with an error/);
    expect(text.detail).toBe('no address from trycloudflare.com after 45 s');
  });

  it('a real error answer keeps the host’s sentence', () => {
    const text = describeHostError(
      { code: 'tunnel-service-error', message: 'trycloudflare.com answered with an error.', detail: '500 Internal Server Error' },
      0,
    );
    expect(text).toEqual({ message: 'trycloudflare.com answered with an error.', detail: '500 Internal Server Error', retryAt: null });
  });

  it('the rate limit says from when to try again', () => {
    expect(describeHostError({ code: 'rate-limited', message: 'Cloudflare is limiting quick tunnels.' }, 10_000).retryAt).toBe(
      10_000 + RATE_LIMIT_WAIT_MS,
    );
    expect(describeHostError({ code: 'rate-limited', message: 'x' }, null).retryAt).toBeNull();
  });
});

describe('splitLinks', () => {
  it('finds addresses in a sentence and leaves the closing full stop out', () => {
    expect(splitLinks('See https://developers.cloudflare.com/tunnel/. Then retry.')).toEqual([
      { text: 'See ' },
      { text: 'https://developers.cloudflare.com/tunnel/', href: 'https://developers.cloudflare.com/tunnel/' },
      { text: '. Then retry.' },
    ]);
    expect(splitLinks('no address here')).toEqual([{ text: 'no address here' }]);
  });
});

describe('stable-address errors (issue 14)', () => {
  it.each([
    ['not-logged-in', /No Cloudflare account is connected/, 'open-options'],
    ['certificate-invalid', /expired or was revoked\)\. Connect the account again/, 'open-options'],
    ['zone-not-allowed', /not on the domain your Cloudflare account connected/, 'open-options'],
    ['dns-record-foreign', /Porthole never overwrites one\. Pick another name\./, 'rename'],
    ['name-invalid', /letters a–z, digits 0–9 and hyphens/, 'rename'],
    ['token-invalid', /Cloudflare does not accept this tunnel token/, undefined],
    ['account-error', /Try again in a minute/, 'connect'],
  ])('%s gets a sentence and its one action', (code, sentence, action) => {
    const text = describeHostError({ code, message: 'The host’s own words about app.example.dev.', detail: 'cloudflared: last line' }, 0);
    expect(text.message).toMatch(sentence);
    expect(text.action).toBe(action);
    // The host's words, naming the hostname, are kept for Details.
    expect(text.detail).toBe('The host’s own words about app.example.dev. — cloudflared: last line');
  });

  it('other codes get no action', () => {
    expect(describeHostError({ code: 'offline', message: 'No network.' }, 0)).toEqual({ message: 'No network.', retryAt: null });
  });
});
