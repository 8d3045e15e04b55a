import { chmodSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { install } from '../install/registration.js';
import { createLogger } from '../log.js';
import { linux } from '../platform/linux.js';
import { openPrivateFile, prepareStateDir, STATE_DIR_UNSAFE, writePrivateFile } from '../state-dir.js';

let previousUmask = 0;
beforeEach(() => {
  previousUmask = process.umask(0o022);
});
afterEach(() => {
  process.umask(previousUmask);
});

const mode = (path: string): number => statSync(path).mode & 0o777;

describe('prepareStateDir', () => {
  it('makes the state folder and running/ 0700', () => {
    const stateDir = join(mkdtempSync(join(tmpdir(), 'porthole-state-')), 'porthole');
    const status = prepareStateDir({ stateDir, runningDir: join(stateDir, 'running') }, linux);
    expect(status).toMatchObject({ stateDirUsable: true, runningDirUsable: true, problems: [] });
    expect(mode(stateDir)).toBe(0o700);
    expect(mode(join(stateDir, 'running'))).toBe(0o700);
  });

  it('tightens folders an older Porthole left 0755', () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'porthole-state-'));
    chmodSync(stateDir, 0o755);
    const status = prepareStateDir({ stateDir, runningDir: join(stateDir, 'running') }, linux);
    expect(status.tightened).toEqual([`${stateDir} (was 755)`]);
    expect(mode(stateDir)).toBe(0o700);
  });

  it('does not change the mode of a folder the user named (PORTHOLE_STATE_DIR): it says how to fix it instead', () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'porthole-state-'));
    chmodSync(stateDir, 0o755);
    const status = prepareStateDir({ stateDir, runningDir: join(stateDir, 'running'), stateDirChosen: true }, linux);
    expect(status).toMatchObject({ stateDirUsable: false, runningDirUsable: false, tightened: [] });
    expect(status.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^\[state-dir-unsafe\] .*can be used by other users \(mode 755\).*chmod 700/),
    ]);
    expect(mode(stateDir)).toBe(0o755);
  });

  it('refuses a symlinked running/ with a coded sentence that says how to fix it, and keeps the rest', () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'porthole-state-'));
    symlinkSync(mkdtempSync(join(tmpdir(), 'porthole-elsewhere-')), join(stateDir, 'running'));
    const status = prepareStateDir({ stateDir, runningDir: join(stateDir, 'running') }, linux);
    expect(status).toMatchObject({ stateDirUsable: true, runningDirUsable: false });
    expect(status.problems.map((p) => [p.code, p.message])).toEqual([
      [STATE_DIR_UNSAFE, expect.stringMatching(/^\[state-dir-unsafe\] .*is a symbolic link.*Remove the link \(rm /)],
    ]);
  });
});

describe('private files', () => {
  it('are written 0600 under umask 022, and an older 0644 file is made 0600', () => {
    const dir = mkdtempSync(join(tmpdir(), 'porthole-state-'));
    writePrivateFile(join(dir, 'record.json'), '{}');
    expect(mode(join(dir, 'record.json'))).toBe(0o600);
    writeFileSync(join(dir, 'host.log'), 'old\n', { mode: 0o644 });
    const log = createLogger({ file: join(dir, 'host.log'), stderr: false });
    log.info('GET /reset?token=secret failed');
    expect(mode(join(dir, 'host.log'))).toBe(0o600);
    const text = readFileSync(join(dir, 'host.log'), 'utf8');
    expect(text).toMatch(/^old\n.* INF \[\d+\] GET \/reset\?… failed\n$/);
    expect(text).not.toContain('secret');
  });

  it('are never opened through a link', () => {
    const dir = mkdtempSync(join(tmpdir(), 'porthole-state-'));
    const target = join(dir, 'target');
    writeFileSync(target, 'keep');
    symlinkSync(target, join(dir, 'host.log'));
    expect(() => openPrivateFile(join(dir, 'host.log'), 'append')).toThrow(/ELOOP/);
    expect(readFileSync(target, 'utf8')).toBe('keep');
  });

  it('the install record (installed.json) is 0600 in a 0700 folder', () => {
    const home = mkdtempSync(join(tmpdir(), 'porthole-home-'));
    const stateDir = join(home, 'state');
    install({ platform: linux, where: { env: {}, home }, hostPath: '/opt/porthole/porthole-host', stateDir, browsers: ['chrome'] });
    expect([mode(stateDir), mode(join(stateDir, 'installed.json'))]).toEqual([0o700, 0o600]);
  });
});
