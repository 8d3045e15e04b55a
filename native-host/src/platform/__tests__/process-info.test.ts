import { describe, expect, it } from 'vitest';
import { parseProcCmdline, parseProcStatStartTicks, parsePsLine, parseWindowsCommandLine } from '../process-info.js';

describe('parseProcCmdline', () => {
  it.each([
    [
      '/usr/bin/cloudflared\0tunnel\0--url\0http://127.0.0.1:41234\0',
      ['/usr/bin/cloudflared', 'tunnel', '--url', 'http://127.0.0.1:41234'],
    ],
    ['a\0\0b\0', ['a', '', 'b']],
    ['a b\0c\0', ['a b', 'c']],
    ['', []],
    ['no-trailing-nul', ['no-trailing-nul']],
  ])('%j', (raw, argv) => {
    expect(parseProcCmdline(raw)).toEqual(argv);
  });
});

describe('parseProcStatStartTicks', () => {
  const tail = 'S 1 2 2 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000000 200 18446744073709551615';
  it('reads field 22 after the command name', () => {
    expect(parseProcStatStartTicks(`4242 (cloudflared) ${tail}`)).toBe('987654');
  });
  it('is not fooled by spaces and parentheses in the command name', () => {
    expect(parseProcStatStartTicks(`4242 (evil) 1 2 3 (x) ${tail}`)).toBe('987654');
  });
  it.each(['', '4242 cloudflared', '4242 (x) S 1 2'])('%j → null', (stat) => {
    expect(parseProcStatStartTicks(stat)).toBeNull();
  });
});

describe('parsePsLine', () => {
  it('splits the 24-character start time from the command line', () => {
    expect(parsePsLine('Tue Dec  1 20:40:29 2026 /opt/porthole/cloudflared tunnel --url http://127.0.0.1:1\n')).toEqual({
      startTime: 'Tue Dec  1 20:40:29 2026',
      commandLine: '/opt/porthole/cloudflared tunnel --url http://127.0.0.1:1',
    });
  });
  it('rejects anything else', () => {
    expect(parsePsLine('')).toBeNull();
    expect(parsePsLine('/bin/sleep 30')).toBeNull();
  });
});

describe('parseWindowsCommandLine', () => {
  it.each([
    [
      '"C:\\Program Files\\Porthole\\cloudflared.exe" tunnel --url http://127.0.0.1:1',
      ['C:\\Program Files\\Porthole\\cloudflared.exe', 'tunnel', '--url', 'http://127.0.0.1:1'],
    ],
    ['C:\\p\\cloudflared.exe  tunnel   "a b"', ['C:\\p\\cloudflared.exe', 'tunnel', 'a b']],
    ['x.exe "a\\"b" c\\\\d "e\\\\" f', ['x.exe', 'a"b', 'c\\\\d', 'e\\', 'f']],
    ['x.exe "say ""hi"""', ['x.exe', 'say "hi"']],
    ['x.exe ""', ['x.exe', '']],
  ])('%s', (line, argv) => {
    expect(parseWindowsCommandLine(line)).toEqual(argv);
  });
});
