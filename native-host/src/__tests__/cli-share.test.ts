import { describe, expect, it } from 'vitest';
import { PASSWORD_IN_ARGV } from '../cli/share-args.js';
import { newRequestLines, parseShareArgs } from '../cli.js';

describe('porthole-host share arguments', () => {
  it.each([
    [['3000'], { origin: 'http://localhost:3000', settings: {}, password: 'none' }],
    [[':3000'], { origin: 'http://localhost:3000', settings: {}, password: 'none' }],
    [['65535'], { origin: 'http://localhost:65535', settings: {}, password: 'none' }],
    [
      ['https://localhost:8443/x', '--password', '--minutes', '0.5', '--keep-host'],
      { origin: 'https://localhost:8443/x', settings: { expiresInMinutes: 0.5, keepPublicHost: true }, password: 'prompt' },
    ],
    [['--password-stdin', '5173'], { origin: 'http://localhost:5173', settings: {}, password: 'stdin' }],
    [['--minutes=30', 'localhost:5173'], { origin: 'http://localhost:5173', settings: { expiresInMinutes: 30 }, password: 'none' }],
    // What `python -m http.server` prints: every address of this computer, loopback included.
    [['0.0.0.0:8000'], { origin: 'http://0.0.0.0:8000', settings: {}, password: 'none' }],
    [['http://0.0.0.0:8000/'], { origin: 'http://0.0.0.0:8000/', settings: {}, password: 'none' }],
    [['[::]:8000'], { origin: 'http://[::]:8000', settings: {}, password: 'none' }],
    [['app.localhost:3000'], { origin: 'http://app.localhost:3000', settings: {}, password: 'none' }],
    [['127.0.0.1:8080'], { origin: 'http://127.0.0.1:8080', settings: {}, password: 'none' }],
    [['--', '3000'], { origin: 'http://localhost:3000', settings: {}, password: 'none' }],
  ])('%j', (args, expected) => {
    expect(parseShareArgs(args)).toEqual({ ok: true, ...expected });
  });

  it.each([
    [[], 'porthole-host share needs the port or address of your local server, e.g. porthole-host share 3000.'],
    [['1', '2'], 'porthole-host share takes one port or address, not 2 (1 2). Share each server with its own command.'],
    [['99999'], 'Port 99999 is out of range (1–65535). Give the port your local server listens on, e.g. porthole-host share 3000.'],
    [['0'], 'Port 0 is out of range (1–65535). Give the port your local server listens on, e.g. porthole-host share 3000.'],
    [['-1'], 'Port -1 is out of range (1–65535). Give the port your local server listens on, e.g. porthole-host share 3000.'],
    [['localhost:70000'], 'Port 70000 is out of range (1–65535) in localhost:70000.'],
    [['http://127.0.0.1:0/'], 'Port 0 is out of range (1–65535) in http://127.0.0.1:0/.'],
    [
      ['3000', '--minutes', 'abc'],
      '--minutes must be a number of minutes above 0, at most 10080 (one week); fractions like 0.5 are fine; got "abc".',
    ],
    [
      ['3000', '--minutes', '0'],
      '--minutes must be a number of minutes above 0, at most 10080 (one week); fractions like 0.5 are fine; got "0".',
    ],
    [
      ['3000', '--minutes', '-5'],
      '--minutes must be a number of minutes above 0, at most 10080 (one week); fractions like 0.5 are fine; got "-5".',
    ],
    [
      ['3000', '--minutes', '1e3'],
      '--minutes must be a number of minutes above 0, at most 10080 (one week); fractions like 0.5 are fine; got "1e3".',
    ],
    [
      ['3000', '--minutes', '20000'],
      '--minutes must be a number of minutes above 0, at most 10080 (one week); fractions like 0.5 are fine; got "20000".',
    ],
    [['3000', '--minutes'], '--minutes needs a value: --minutes <n>.'],
    [['3000', '--minutes', '--keep-host'], '--minutes needs a value: --minutes <n>.'],
    [['3000', '--minutes', '5', '--minutes', '6'], '--minutes is given twice; give it once.'],
    [['3000', '--keep-host=yes'], '--keep-host takes no value; write just --keep-host.'],
    [
      ['3000', '--colour'],
      'Unknown option --colour for porthole-host share. porthole-host share takes --password, --password-stdin, --minutes <n>, --keep-host, --spa, --listing, --dotfiles, --stable, --name <name>.',
    ],
    [
      ['3000', '--minute', '5'],
      'Unknown option --minute for porthole-host share. Did you mean --minutes? porthole-host share takes --password, --password-stdin, --minutes <n>, --keep-host, --spa, --listing, --dotfiles, --stable, --name <name>.',
    ],
    [
      ['3000', '-p'],
      'Unknown option -p for porthole-host share. Did you mean --spa? porthole-host share takes --password, --password-stdin, --minutes <n>, --keep-host, --spa, --listing, --dotfiles, --stable, --name <name>.',
    ],
    [
      ['3000', '--password', '--password-stdin'],
      '--password asks at the terminal and --password-stdin reads standard input: give one of them.',
    ],
    [
      ['example.com:80'],
      'example.com is not this computer. Porthole shares only localhost, *.localhost, 127.0.0.0/8, [::1], 0.0.0.0 and [::] addresses.',
    ],
    [
      ['192.168.1.10:3000'],
      '192.168.1.10 is not this computer. Porthole shares only localhost, *.localhost, 127.0.0.0/8, [::1], 0.0.0.0 and [::] addresses.',
    ],
    [['ftp://localhost:21'], 'Only http and https pages can be shared, not ftp: addresses.'],
  ])('refuses %j', (args, message) => {
    expect(parseShareArgs(args)).toEqual({ ok: false, message });
  });

  it('quotes are balanced in every message', () => {
    for (const args of [['3000', '--colour'], ['3000', '--minutes', 'abc'], ['x y:1']]) {
      const parsed = parseShareArgs(args);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) {
        expect(parsed.message.split('"').length % 2).toBe(1);
        expect(parsed.message.split("'").length % 2).toBe(1);
        expect(parsed.message).not.toMatch(/expiresInMinutes|null|undefined/);
      }
    }
  });

  it.each([
    [['3000', '--password', 'hunter2']],
    [['--password', 'hunter2', '3000']],
    [['3000', '--password=hunter2']],
    [['--password', '3000']],
    [['3000', '--password', '--', 'hunter2']],
  ])('refuses a password on the command line, without repeating it: %j', (args) => {
    const parsed = parseShareArgs(args);
    expect(parsed).toEqual({ ok: false, message: PASSWORD_IN_ARGV });
    expect(PASSWORD_IN_ARGV).toMatch(/every user of this computer can read a command line/);
    expect(PASSWORD_IN_ARGV).toMatch(/PORTHOLE_PASSWORD/);
    expect(PASSWORD_IN_ARGV).toMatch(/--password-stdin/);
    expect(PASSWORD_IN_ARGV).not.toContain('hunter2');
  });
});

describe('request lines in the terminal', () => {
  const recent = [3, 2, 1].map((n) => ({
    method: 'GET',
    path: `/${n}`,
    status: n === 3 ? 0 : 200,
    at: n,
    ms: n,
    country: null,
    visitor: 'v0000',
    requestHeaders: [],
    responseHeaders: [],
  }));
  it('prints the new requests, oldest first', () => {
    expect(newRequestLines({ requests: 3, visitors: 1, recent }, 1)).toEqual(['  200 GET /2 (2 ms)\n', '  — GET /3 (3 ms)\n']);
    expect(newRequestLines({ requests: 3, visitors: 1, recent }, 3)).toEqual([]);
    expect(newRequestLines({ requests: 50, visitors: 1, recent }, 0)).toHaveLength(3);
  });
});

describe('porthole-host share <folder | file>', () => {
  it.each([
    [['./dist'], { path: './dist', folder: {} }],
    [['dist'], { path: 'dist', folder: {} }],
    [['report.html', '--spa'], { path: 'report.html', folder: { spa: true } }],
    [['/srv/site', '--listing', '--dotfiles'], { path: '/srv/site', folder: { listing: true, dotfiles: true } }],
    [['..'], { path: '..', folder: {} }],
    [['~/site'], { path: '~/site', folder: {} }],
  ])('reads %j as a path', (args, expected) => {
    expect(parseShareArgs(args)).toEqual({ ok: true, settings: {}, password: 'none', ...expected });
  });

  it('keeps ports and addresses as local servers, and refuses folder options for them', () => {
    expect(parseShareArgs(['localhost'])).toMatchObject({ ok: true, origin: 'http://localhost' });
    expect(parseShareArgs(['3000', '--spa'])).toEqual({
      ok: false,
      message: "--spa is for sharing a file or folder (porthole-host share ./dist --spa); 3000 is a local server's address.",
    });
  });
});
