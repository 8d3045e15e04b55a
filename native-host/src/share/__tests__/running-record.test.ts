import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Platform } from '../../platform/index.js';
import { commandLineMatches, reapOrphans, RunningRecordFile } from '../running-record.js';

const ARGV = ['/opt/porthole/cloudflared', 'tunnel', '--no-autoupdate', '--config', '/state/cf.yml', '--url', 'http://localhost:3000'];

describe('commandLineMatches', () => {
  it.each([
    ['/opt/porthole/cloudflared tunnel --no-autoupdate --config /state/cf.yml --url http://localhost:3000', true],
    ['"C:\\x\\cloudflared.exe" tunnel --no-autoupdate --config /state/cf.yml --url http://localhost:3000', false],
    ['/opt/porthole/cloudflared tunnel --no-autoupdate --config /state/cf.yml --url http://localhost:3001', false],
    ['/usr/bin/vim /opt/porthole/cloudflared', false],
    ['', false],
  ])('%s → %s', (commandLine, expected) => {
    expect(commandLineMatches(ARGV, commandLine)).toBe(expected);
  });

  it('matches Windows-quoted command lines of the same arguments', () => {
    const argv = ['C:\\Program Files\\Porthole\\cloudflared.exe', 'tunnel', '--url', 'http://localhost:3000'];
    expect(commandLineMatches(argv, '"C:\\Program Files\\Porthole\\cloudflared.exe" tunnel --url http://localhost:3000')).toBe(true);
  });
});

/** An OS where the test decides which processes exist and what their command lines are. */
function fakePlatform(processes: Map<number, string>): Platform & { killed: number[] } {
  const killed: number[] = [];
  return {
    name: 'linux',
    exeSuffix: '',
    stateDir: () => '/unused',
    commandLine: async (pid) => processes.get(pid) ?? null,
    terminate: () => undefined,
    forceKill: (pid) => {
      killed.push(pid);
      processes.delete(pid);
    },
    relativeManifestPaths: false,
    browserLocations: () => [],
    killed,
  };
}

describe('running records', () => {
  it('writes one file per host naming its children, and removes it when the last child ends', () => {
    const dir = mkdtempSync(join(tmpdir(), 'porthole-record-'));
    const record = new RunningRecordFile(dir, 4242);
    record.add({ pid: 10, argv: ARGV, startedAt: 1 });
    record.add({ pid: 11, argv: ARGV, startedAt: 2 });
    expect(JSON.parse(readFileSync(join(dir, '4242.json'), 'utf8'))).toEqual({
      hostPid: 4242,
      children: [{ pid: 10, argv: ARGV, startedAt: 1 }, { pid: 11, argv: ARGV, startedAt: 2 }],
    });
    record.remove(10);
    record.remove(11);
    expect(existsSync(join(dir, '4242.json'))).toBe(false);
  });

  it('stops a dead host’s cloudflared, but not a process that took over a recorded pid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'porthole-record-'));
    // 2147483646: no such host process exists, so the record is an orphan's.
    writeFileSync(join(dir, '2147483646.json'), JSON.stringify({ hostPid: 2147483646, children: [
      { pid: 500, argv: ARGV, startedAt: 1 },
      { pid: 501, argv: ARGV, startedAt: 1 },
      { pid: 502, argv: ARGV, startedAt: 1 },
    ] }));
    const platform = fakePlatform(new Map([
      [500, ARGV.join(' ')],
      [501, '/usr/bin/python3 server.py'],
    ]));
    const result = await reapOrphans(dir, platform, 1);
    expect(platform.killed).toEqual([500]);
    expect(result.stopped.map((c) => c.pid)).toEqual([500]);
    expect(result.skipped.map((c) => c.pid)).toEqual([501, 502]);
    expect(existsSync(join(dir, '2147483646.json'))).toBe(false);
  });

  it('leaves the record of a host that is still running alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'porthole-record-'));
    const file = join(dir, `${process.pid}.json`);
    writeFileSync(file, JSON.stringify({ hostPid: process.pid, children: [{ pid: 600, argv: ARGV, startedAt: 1 }] }));
    const platform = fakePlatform(new Map([[600, ARGV.join(' ')], [process.pid, 'node porthole-host.cjs chrome-extension://x/']]));
    await reapOrphans(dir, platform, 1);
    expect(platform.killed).toEqual([]);
    expect(existsSync(file)).toBe(true);
  });

  it('survives a missing folder and unreadable records', async () => {
    expect(await reapOrphans('/nonexistent/porthole', fakePlatform(new Map()))).toEqual({ stopped: [], skipped: [] });
    const dir = mkdtempSync(join(tmpdir(), 'porthole-record-'));
    writeFileSync(join(dir, '77.json'), '{not json');
    expect(await reapOrphans(dir, fakePlatform(new Map()), 1)).toEqual({ stopped: [], skipped: [] });
    expect(existsSync(join(dir, '77.json'))).toBe(false);
  });
});
