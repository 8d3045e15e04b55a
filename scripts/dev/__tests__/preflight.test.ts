import { describe, expect, it } from 'vitest';
import { parseStartOptions } from '../options.js';
import { type Machine, preflight } from '../preflight.js';

function machine(overrides: Partial<Machine> & { files?: string[] } = {}): Machine {
  const files = new Set(overrides.files ?? ['/usr/bin/chromium', '/usr/bin/firefox-esr', '/tmp/.X11-unix/X0']);
  return {
    platform: 'linux',
    uid: 1000,
    env: { PATH: '/usr/local/bin:/usr/bin', DISPLAY: ':0' },
    isExecutable: (path) => files.has(path),
    exists: (path) => files.has(path),
    ...overrides,
  };
}

const options = (argv: string[] = [], env: NodeJS.ProcessEnv = {}) => parseStartOptions(argv, env, '/work');

describe('npm start preflight', () => {
  it('finds Chromium or Firefox on PATH', () => {
    expect(preflight(options(), machine())).toMatchObject({ browser: '/usr/bin/chromium', problems: [], browserArgs: [], notes: [] });
    expect(preflight(options(['--firefox']), machine()).browser).toBe('/usr/bin/firefox-esr');
  });

  it('as root, starts Chromium with --no-sandbox and says why; Firefox needs nothing', () => {
    const root = preflight(options(), machine({ uid: 0 }));
    expect(root.browserArgs).toEqual(['--no-sandbox']);
    expect(root.notes.join()).toMatch(/root.*sandbox/);
    expect(preflight(options(['--firefox']), machine({ uid: 0 })).browserArgs).toEqual([]);
  });

  it('without a display, says to use xvfb-run or PORTHOLE_HEADLESS=1; headless needs none', () => {
    const env = { PATH: '/usr/bin' };
    const result = preflight(options(), machine({ env }));
    expect(result.problems.map((p) => p.code)).toEqual(['no-display']);
    expect(result.problems[0]!.lines.join(' ')).toMatch(/xvfb-run npm start.*PORTHOLE_HEADLESS=1 npm start/);
    expect(preflight(options(['--firefox']), machine({ env })).problems[0]!.lines.join(' ')).toContain('xvfb-run npm run start:firefox');
    expect(preflight(options([], { PORTHOLE_HEADLESS: '1' }), machine({ env })).problems).toEqual([]);
    expect(preflight(options(), machine({ env, platform: 'darwin' })).problems).toEqual([]);
  });

  it('notices a local DISPLAY with no X server behind it', () => {
    const result = preflight(options(), machine({ env: { PATH: '/usr/bin', DISPLAY: ':99' } }));
    expect(result.problems[0]!.lines[0]).toContain('no /tmp/.X11-unix/X99');
    expect(preflight(options(), machine({ env: { PATH: '/usr/bin', DISPLAY: 'localhost:10.0' } })).problems).toEqual([]);
  });

  it('reports a missing browser, or a PORTHOLE_BROWSER that is not there, with how to get one', () => {
    const none = preflight(options(), machine({ files: ['/tmp/.X11-unix/X0'] }));
    expect(none.problems.map((p) => p.code)).toEqual(['no-browser']);
    expect(none.problems[0]!.lines[1]).toContain('apt-get install chromium');
    const wrong = preflight(options([], { PORTHOLE_BROWSER: 'bin/nothing' }), machine());
    expect(wrong.problems[0]).toMatchObject({ code: 'browser-not-executable' });
    expect(wrong.problems[0]!.lines[0]).toContain('/work/bin/nothing');
    expect(preflight(options([], { PORTHOLE_BROWSER: 'firefox-esr' }), machine()).browser).toBe('/usr/bin/firefox-esr');
  });

  it('reports every problem at once', () => {
    expect(preflight(options(), machine({ files: [], env: { PATH: '/usr/bin' } })).problems.map((p) => p.code)).toEqual([
      'no-browser',
      'no-display',
    ]);
  });
});
