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
