import { existsSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Platform, ProcessInfo } from '../../platform/index.js';
import { isSameProcess, isValidPid, parseRecord, type RunningChild, RunningRecordFile, reapOrphans } from '../running-record.js';

const ARGV = ['/opt/porthole/cloudflared', 'tunnel', '--no-autoupdate', '--config', '/state/cf.yml', '--url', 'http://127.0.0.1:41234'];
const START = 'boot-1:987654';
const seen = (argv: string[] | null, startTime: string | null = START, commandLine = (argv ?? []).join(' ')): ProcessInfo => ({
  argv,
  startTime,
  commandLine,
});

describe('isSameProcess', () => {
  it.each<[string, Pick<RunningChild, 'argv' | 'startTime'>, ProcessInfo, boolean]>([
    ['the same arguments and start time', { argv: ARGV, startTime: START }, seen(ARGV), true],
    [
      'a partial port (:4123 against :41234)',
      { argv: [...ARGV.slice(0, -1), 'http://127.0.0.1:4123'], startTime: START },
      seen(ARGV),
      false,
    ],
    ['a prefix of the arguments', { argv: ARGV.slice(0, 2), startTime: START }, seen(ARGV), false],
    ['an empty argv', { argv: [], startTime: START }, seen(ARGV), false],
    ['an empty program name', { argv: [''], startTime: START }, seen(['']), false],
    ['a recycled pid (same arguments, another start time)', { argv: ARGV, startTime: START }, seen(ARGV, 'boot-1:999999'), false],
    ['no recorded start time', { argv: ARGV, startTime: null }, seen(ARGV), false],
    ['an OS that would not say when it started', { argv: ARGV, startTime: START }, seen(ARGV, null), false],
    ['arguments joined differently', { argv: ['/bin/a b', 'c'], startTime: START }, seen(['/bin/a', 'b c']), false],
    ['macOS: the whole joined line', { argv: ARGV, startTime: START }, seen(null, START, ARGV.join(' ')), true],
    ['macOS: a longer line that contains it', { argv: ARGV, startTime: START }, seen(null, START, `/usr/bin/vim ${ARGV.join(' ')}`), false],
  ])('%s', (_, recorded, process, expected) => {
    expect(isSameProcess(recorded, process)).toBe(expected);
  });
});

describe('isValidPid', () => {
  it.each([
    [2, true],
    [4242, true],
    [2 ** 31 - 1, true],
    [1, false],
    [0, false],
    [-5, false],
    [1.5, false],
    ['123', false],
    [Number.NaN, false],
    [2 ** 60, false],
    [null, false],
  ])('%s → %s', (pid, expected) => {
    expect(isValidPid(pid)).toBe(expected);
  });
});

describe('parseRecord', () => {
  it('keeps well-formed children and names what it dropped', () => {
    const parsed = parseRecord(
      JSON.stringify({
        hostPid: 77,
        hostStartTime: 'b:1',
        children: [
          { pid: 500, argv: ARGV, startTime: START, startedAt: 1 },
          { pid: '500', argv: ARGV, startTime: START },
          { pid: -3, argv: ARGV, startTime: START },
          { pid: 2.5, argv: ARGV, startTime: START },
          { pid: 501, argv: [], startTime: START },
          { pid: 502, argv: ARGV },
          null,
        ],
      }),
      77,
    );
    expect(parsed).toMatchObject({ ok: true, record: { hostPid: 77, hostStartTime: 'b:1', children: [{ pid: 500 }] } });
    expect(parsed.ok && parsed.dropped).toHaveLength(6);
  });

  it.each([
    ['{not json', 'not JSON'],
    ['[]', 'host pid'],
    ['{"hostPid": 78, "children": []}', 'host pid 78 is not 77'],
    ['{"hostPid": 77}', 'no list of children'],
  ])('refuses %s', (text, reason) => {
    const parsed = parseRecord(text, 77);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toContain(reason);
  });
});

/** An OS where the test decides which processes exist, and what signalling each one does. */
function fakePlatform(
  processes: Map<number, ProcessInfo>,
  refuse: Map<number, string> = new Map(),
): Pick<Platform, 'inspectProcess' | 'forceKill'> & { killed: number[] } {
  const killed: number[] = [];
  return {
    inspectProcess: async (pid) => processes.get(pid) ?? null,
    forceKill: (pid) => {
      const code = refuse.get(pid);
      if (code !== undefined) throw Object.assign(new Error(`kill ${code}`), { code });
      killed.push(pid);
      processes.delete(pid);
    },
    killed,
  };
}

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'porthole-record-'));

describe('running records', () => {
  it('writes one file per host naming its children, 0600, and removes it when the last child ends', () => {
    const dir = tempDir();
    const record = new RunningRecordFile(dir, 4242);
    record.setHostStartTime('b:7');
    record.add({ pid: 10, argv: ARGV, startTime: null, startedAt: 1 });
    record.update(10, { startTime: START });
    record.add({ pid: 11, argv: ARGV, startTime: START, startedAt: 2 });
    record.update(99, { startTime: 'ignored' });
    expect(JSON.parse(readFileSync(join(dir, '4242.json'), 'utf8'))).toEqual({
      hostPid: 4242,
      hostStartTime: 'b:7',
      children: [
        { pid: 10, argv: ARGV, startTime: START, startedAt: 1 },
        { pid: 11, argv: ARGV, startTime: START, startedAt: 2 },
      ],
    });
    expect(statSync(join(dir, '4242.json')).mode & 0o777).toBe(0o600);
    record.remove(10);
    record.remove(11);
    expect(existsSync(join(dir, '4242.json'))).toBe(false);
  });

  it('writes nothing without a safe folder', () => {
    const record = new RunningRecordFile(null, 4242);
    expect(() => record.add({ pid: 10, argv: ARGV, startTime: START, startedAt: 1 })).not.toThrow();
  });

  it('stops a dead host’s cloudflared, but not a process that took over a recorded pid', async () => {
    const dir = tempDir();
    // 2147483646: no such host process exists, so the record is an orphan's.
    writeFileSync(
      join(dir, '2147483646.json'),
      JSON.stringify({
        hostPid: 2147483646,
        children: [
          { pid: 500, argv: ARGV, startTime: START, startedAt: 1 },
          { pid: 501, argv: ARGV, startTime: START, startedAt: 1 },
          { pid: 502, argv: ARGV, startTime: START, startedAt: 1 },
          { pid: 503, argv: ARGV, startTime: START, startedAt: 1 },
        ],
      }),
    );
    const platform = fakePlatform(
      new Map([
        [500, seen(ARGV)],
        [501, seen(['/usr/bin/python3', 'server.py'])],
        [503, seen(ARGV, 'boot-1:1')],
      ]),
    );
    const result = await reapOrphans(dir, platform, { selfPid: 1 });
    expect(platform.killed).toEqual([500]);
    expect(result.stopped.map((c) => c.pid)).toEqual([500]);
    expect(result.skipped.map((c) => c.pid)).toEqual([501, 502, 503]);
    expect(existsSync(join(dir, '2147483646.json'))).toBe(false);
  });

  it('a process it may not signal costs one line, not the host; the record goes and the next child is still stopped', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, '2147483646.json'),
      JSON.stringify({
        hostPid: 2147483646,
        children: [
          { pid: 600, argv: ARGV, startTime: START, startedAt: 1 },
          { pid: 601, argv: ARGV, startTime: START, startedAt: 1 },
        ],
      }),
    );
    const platform = fakePlatform(
      new Map([
        [600, seen(ARGV)],
        [601, seen(ARGV)],
      ]),
      new Map([[600, 'EPERM']]),
    );
    const result = await reapOrphans(dir, platform, { selfPid: 1 });
    expect(platform.killed).toEqual([601]);
    expect(result.problems).toEqual([expect.stringContaining('could not stop pid 600: EPERM')]);
    expect(existsSync(join(dir, '2147483646.json'))).toBe(false);
  });

  it('leaves the record of a host that is still running alone', async () => {
    const dir = tempDir();
    const file = join(dir, `${process.pid}.json`);
    writeFileSync(
      file,
      JSON.stringify({ hostPid: process.pid, hostStartTime: 'me', children: [{ pid: 600, argv: ARGV, startTime: START, startedAt: 1 }] }),
    );
    const platform = fakePlatform(
      new Map([
        [600, seen(ARGV)],
        [process.pid, seen(['node', 'porthole-host.cjs'], 'me')],
      ]),
    );
    await reapOrphans(dir, platform, { selfPid: 1 });
    expect(platform.killed).toEqual([]);
    expect(existsSync(file)).toBe(true);
  });

  it('does not take a process that reused a dead host’s pid for that host', async () => {
    const dir = tempDir();
    const file = join(dir, `${process.pid}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        hostPid: process.pid,
        hostStartTime: 'the-dead-host',
        children: [{ pid: 600, argv: ARGV, startTime: START, startedAt: 1 }],
      }),
    );
    const platform = fakePlatform(
      new Map([
        [600, seen(ARGV)],
        [process.pid, seen(['node', 'porthole-host.cjs'], 'someone-else')],
      ]),
    );
    await reapOrphans(dir, platform, { selfPid: 1 });
    expect(platform.killed).toEqual([600]);
    expect(existsSync(file)).toBe(false);
  });

  it('removes, unread, a record that is a link or not a file', async () => {
    const dir = tempDir();
    const elsewhere = join(tempDir(), 'target.json');
    writeFileSync(elsewhere, JSON.stringify({ hostPid: 2147483646, children: [{ pid: 700, argv: ARGV, startTime: START, startedAt: 1 }] }));
    symlinkSync(elsewhere, join(dir, '2147483646.json'));
    const platform = fakePlatform(new Map([[700, seen(ARGV)]]));
    const result = await reapOrphans(dir, platform, { selfPid: 1 });
    expect(platform.killed).toEqual([]);
    expect(result.problems).toEqual([expect.stringContaining('not a file')]);
    expect(existsSync(join(dir, '2147483646.json'))).toBe(false);
    expect(existsSync(elsewhere)).toBe(true);
  });

  it('survives a missing folder and unreadable records', async () => {
    expect(await reapOrphans('/nonexistent/porthole', fakePlatform(new Map()))).toEqual({ stopped: [], skipped: [], problems: [] });
    const dir = tempDir();
    writeFileSync(join(dir, '77.json'), '{not json');
    expect(await reapOrphans(dir, fakePlatform(new Map()), { selfPid: 1 })).toMatchObject({
      stopped: [],
      skipped: [],
      problems: ['77.json: not JSON; removed'],
    });
    expect(existsSync(join(dir, '77.json'))).toBe(false);
  });
});
