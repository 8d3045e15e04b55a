import { describe, expect, it } from 'vitest';
import { DEFAULT_PROBE, parseHostPort, probeConfigFromEnv, probeDelayMs } from '../probe-config.js';

describe('probe configuration', () => {
  it('defaults to HTTPS, through Cloudflare’s resolvers, waiting 10 s', () => {
    expect(probeConfigFromEnv({})).toEqual(DEFAULT_PROBE);
    expect(DEFAULT_PROBE).toMatchObject({
      enabled: true,
      address: null,
      protocol: 'https',
      resolvers: ['1.1.1.1', '1.0.0.1'],
      waitMs: 10_000,
    });
  });

  it('is aimed at a local edge by the environment', () => {
    expect(
      probeConfigFromEnv({
        PORTHOLE_PROBE_ADDRESS: '127.0.0.1:8443',
        PORTHOLE_PROBE_PROTOCOL: 'http',
        PORTHOLE_PROBE_RESOLVER: '127.0.0.1:5353, 9.9.9.9',
        PORTHOLE_PROBE_WAIT_MS: '300',
      }),
    ).toMatchObject({
      address: { host: '127.0.0.1', port: 8443 },
      protocol: 'http',
      resolvers: ['127.0.0.1:5353', '9.9.9.9'],
      waitMs: 300,
    });
    expect(probeConfigFromEnv({ PORTHOLE_PROBE: 'off' }).enabled).toBe(false);
    expect(probeConfigFromEnv({ PORTHOLE_PROBE_PROTOCOL: 'gopher', PORTHOLE_PROBE_WAIT_MS: 'soon' })).toMatchObject({
      protocol: 'https',
      waitMs: 10_000,
    });
  });

  it.each([
    ['127.0.0.1:80', { host: '127.0.0.1', port: 80 }],
    ['[::1]:8080', { host: '::1', port: 8080 }],
    ['edge.example:443', { host: 'edge.example', port: 443 }],
    ['127.0.0.1', null],
    ['127.0.0.1:0', null],
    ['127.0.0.1:70000', null],
    ['::1:80', null],
  ])('parseHostPort(%s)', (text, expected) => {
    expect(parseHostPort(text)).toEqual(expected);
  });

  it('backs off quickly, then checks every two seconds; every five in the background, for two minutes', () => {
    expect([0, 1, 2, 3, 4, 10].map((attempt) => probeDelayMs(attempt))).toEqual([250, 500, 1000, 2000, 2000, 2000]);
    expect(DEFAULT_PROBE).toMatchObject({ backgroundEveryMs: 5000, backgroundMs: 120_000 });
  });
});
