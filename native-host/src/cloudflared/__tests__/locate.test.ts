import { describe, expect, it } from 'vitest';
import { locateCloudflared } from '../locate.js';

const only =
  (...paths: string[]) =>
  (path: string) =>
    paths.includes(path);

describe('locateCloudflared', () => {
  it('prefers PORTHOLE_CLOUDFLARED, then the bundled copy, then PATH', () => {
    const all = only('/custom/cf', '/opt/porthole/cloudflared', '/usr/bin/cloudflared');
    const env = { PORTHOLE_CLOUDFLARED: '/custom/cf', PATH: '/usr/local/bin:/usr/bin' };
    expect(locateCloudflared({ env, hostDir: '/opt/porthole', exeSuffix: '', isExecutable: all })).toEqual({
      path: '/custom/cf',
      source: 'env',
    });
    expect(locateCloudflared({ env: { PATH: env.PATH }, hostDir: '/opt/porthole', exeSuffix: '', isExecutable: all })).toEqual({
      path: '/opt/porthole/cloudflared',
      source: 'bundled',
    });
    expect(locateCloudflared({ env: { PATH: env.PATH }, hostDir: '/elsewhere', exeSuffix: '', isExecutable: all })).toEqual({
      path: '/usr/bin/cloudflared',
      source: 'path',
    });
  });

  it('says so when PORTHOLE_CLOUDFLARED points nowhere, instead of silently using another', () => {
    expect(() =>
      locateCloudflared({
        env: { PORTHOLE_CLOUDFLARED: '/typo/cf', PATH: '/usr/bin' },
        hostDir: '/x',
        exeSuffix: '',
        isExecutable: only('/usr/bin/cloudflared'),
      }),
    ).toThrow(/PORTHOLE_CLOUDFLARED is set to \/typo\/cf/);
  });

  it('missing everywhere → cloudflared-missing, naming where it looked and how to install', () => {
    try {
      locateCloudflared({ env: { PATH: '/usr/bin' }, hostDir: '/opt/porthole', exeSuffix: '', isExecutable: only() });
      expect.unreachable();
    } catch (error) {
      const { code, message } = (error as { hostError: { code: string; message: string } }).hostError;
      expect(code).toBe('cloudflared-missing');
      expect(message).toMatch(/\/opt\/porthole\/cloudflared/);
      expect(message).toMatch(/install cloudflared/);
    }
  });
});
