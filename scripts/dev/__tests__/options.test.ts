import { describe, expect, it } from 'vitest';
import { parseStartOptions, StartUsageError } from '../options.js';

describe('npm start options', () => {
  it('resolves a relative PORTHOLE_CLOUDFLARED and PORTHOLE_BROWSER against the folder the command was typed in', () => {
    const options = parseStartOptions(
      [],
      { PORTHOLE_CLOUDFLARED: 'dist/test/fake-cloudflared.mjs', PORTHOLE_BROWSER: '../bin/chromium' },
      '/home/ada/porthole',
    );
    expect(options.cloudflared).toBe('/home/ada/porthole/dist/test/fake-cloudflared.mjs');
    expect(options.browser).toBe('/home/ada/bin/chromium');
  });

  it('keeps absolute paths, and a bare browser name for a PATH lookup', () => {
    const options = parseStartOptions([], { PORTHOLE_CLOUDFLARED: '/opt/cf/cloudflared', PORTHOLE_BROWSER: 'chromium' }, '/x');
    expect(options).toMatchObject({ cloudflared: '/opt/cf/cloudflared', browser: 'chromium' });
  });

  it('reads flags and their environment twins', () => {
    expect(parseStartOptions(['--offline', '--rebuild', '--firefox'], {}, '/')).toMatchObject({
      offline: true,
      rebuild: true,
      family: 'firefox',
      headless: false,
    });
    expect(parseStartOptions([], { PORTHOLE_OFFLINE: '1', PORTHOLE_REBUILD: '1', PORTHOLE_HEADLESS: '1' }, '/')).toMatchObject({
      offline: true,
      rebuild: true,
      headless: true,
      family: 'chromium',
    });
    expect(parseStartOptions([], { PORTHOLE_HEADLESS: '0', PORTHOLE_REBUILD: 'false' }, '/')).toMatchObject({
      headless: false,
      rebuild: false,
    });
    expect(parseStartOptions([], { PORTHOLE_BROWSER_ARGS: ' --remote-debugging-port=0  --lang=fr ' }, '/').browserArgs).toEqual([
      '--remote-debugging-port=0',
      '--lang=fr',
    ]);
  });

  it('refuses an unknown argument with the usage', () => {
    expect(() => parseStartOptions(['--ofline'], {}, '/')).toThrow(StartUsageError);
    expect(() => parseStartOptions(['--ofline'], {}, '/')).toThrow(/does not know "--ofline"[\s\S]*--offline/);
  });
});
