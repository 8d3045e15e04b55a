import { describe, expect, it } from 'vitest';
import { detectLaunch, isPortholeCaller } from '../launch-mode.js';

describe('detectLaunch', () => {
  it.each([
    [
      ['chrome-extension://abcdefghijklmnopabcdefghijklmnop/'],
      { mode: 'browser', browser: 'chromium', caller: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop/' },
    ],
    [
      ['chrome-extension://abcdefghijklmnopabcdefghijklmnop/', '--parent-window=0'],
      { mode: 'browser', browser: 'chromium', caller: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop/' },
    ],
    [
      ['/home/u/.mozilla/native-messaging-hosts/dev.porthole.host.json', 'porthole@porthole.dev'],
      { mode: 'browser', browser: 'firefox', caller: 'porthole@porthole.dev' },
    ],
    [
      ['C:\\Porthole\\dev.porthole.host.json', '{5f1e6b8c-1111-2222-3333-444455556666}'],
      { mode: 'browser', browser: 'firefox', caller: '{5f1e6b8c-1111-2222-3333-444455556666}' },
    ],
    [['share', '3000'], { mode: 'cli', args: ['share', '3000'] }],
    [[], { mode: 'cli', args: [] }],
    [['--version'], { mode: 'cli', args: ['--version'] }],
    [['config.json', 'not an id'], { mode: 'cli', args: ['config.json', 'not an id'] }],
  ])('%j → %j', (args, launch) => {
    expect(detectLaunch(args)).toEqual(launch);
  });
});

describe('isPortholeCaller', () => {
  it.each([
    ['chromium', 'chrome-extension://pgghdkifhncjilkjconflkbflfchehjd/', true],
    ['chromium', 'chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/', false],
    ['chromium', 'chrome-extension://pgghdkifhncjilkjconflkbflfchehjd', false],
    ['firefox', 'porthole@porthole.dev', true],
    ['firefox', 'evil@example.com', false],
    ['firefox', 'chrome-extension://pgghdkifhncjilkjconflkbflfchehjd/', false],
  ] as const)('%s caller %s → %s', (browser, caller, expected) => {
    expect(isPortholeCaller({ mode: 'browser', browser, caller })).toBe(expected);
  });
});
