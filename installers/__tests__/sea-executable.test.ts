/**
 * The whole single-executable pipeline (pinned Node, blob, signature removal, postject) on a probe
 * script instead of the host, to pin down what the host relies on inside a Node 22 SEA:
 * `process.argv.slice(2)` is exactly the arguments a browser or a person passed, `node:sea` says
 * isSea(), and stdin/stdout pipes (native messaging) work.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExecutable } from '../sea/build-executable.js';
import { type HostBlob, makeHostBlob } from '../sea/host-blob.js';
import { findTarget, NODE_VERSION } from '../targets.js';

const PROBE = `
const chunks = [];
process.stdin.on('data', (chunk) => chunks.push(chunk));
process.stdin.on('end', () => {
  process.stdout.write(JSON.stringify({
    argv: process.argv,
    execPath: process.execPath,
    isSea: require('node:sea').isSea(),
    version: process.version,
    stdin: Buffer.concat(chunks).toString(),
  }));
});
`;

interface ProbeReport {
  argv: string[];
  execPath: string;
  isSea: boolean;
  version: string;
  stdin: string;
}

let dir: string;
let sea: HostBlob;
let probe: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'porthole-sea-'));
  writeFileSync(join(dir, 'probe.cjs'), PROBE);
  sea = await makeHostBlob(join(dir, 'probe.cjs'), join(dir, 'work'));
  probe = await buildExecutable({
    target: sea.builder,
    blob: sea.blob,
    outFile: join(dir, `probe${sea.builder.exeSuffix}`),
    nodeBinary: sea.builderNode,
  });
}, 300_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runProbe(args: string[], input = ''): ProbeReport {
  return JSON.parse(execFileSync(probe, args, { input, encoding: 'utf8' })) as ProbeReport;
}

describe(`a Node ${NODE_VERSION} single executable built for this machine`, () => {
  it.each([
    [['--version']],
    [['share', '3000']],
    [['chrome-extension://abc/']],
    [['/path/to/dev.porthole.host.json', 'porthole@example.org']],
  ])('sees exactly its arguments in process.argv.slice(2): %j', (args) => {
    const report = runProbe(args);
    expect(report.argv.slice(2)).toEqual(args);
    // Node puts the executable again (as invoked) in argv[1], where a script path would be.
    expect(report.argv[0]).toBe(probe);
    expect(report.argv[1]).toBe(probe);
  });

  it('knows it is a single executable, runs the pinned Node, and is its own execPath', () => {
    const report = runProbe([]);
    expect(report.isSea).toBe(true);
    expect(report.version).toBe(`v${NODE_VERSION}`);
    expect(report.execPath).toBe(probe);
  });

  it('reads stdin and writes stdout through pipes, as native messaging does', () => {
    expect(runProbe(['chrome-extension://abc/'], '\u0002\u0000\u0000\u0000{}').stdin).toBe('\u0002\u0000\u0000\u0000{}');
  });

  it('is stripped of its symbol table, so it weighs less than the Node binary it came from', () => {
    // The dynamic symbols native addons link against stay (.dynsym); only the debug symbols go.
    const sections = execFileSync('readelf', ['-S', '-W', probe], { encoding: 'utf8' });
    expect(sections).not.toMatch(/\.symtab/);
    expect(sections).toMatch(/\.dynsym/);
    expect(statSync(sea.builderNode).size - statSync(probe).size).toBeGreaterThan(10 * 1024 * 1024);
  });

  it('prints no experimental-feature warning', () => {
    const result = spawnSync(probe, [], { input: '', encoding: 'utf8' });
    expect(result.stderr).toBe('');
  });
});

const canEmulateArm64 =
  process.platform === 'linux' && process.arch === 'x64' && existsSync('/usr/bin/qemu-aarch64') && existsSync('/usr/aarch64-linux-gnu/lib');

// The same blob in another target's binary: the one-blob-fits-all claim, where an emulator allows it
// (Debian packages qemu-user, libc6-arm64-cross, libstdc++6-arm64-cross).
describe.skipIf(!canEmulateArm64)('the same blob in the linux-arm64 binary, under qemu-aarch64', () => {
  it('runs and sees its arguments', async () => {
    const arm = await buildExecutable({ target: findTarget('linux-arm64'), blob: sea.blob, outFile: join(dir, 'probe-arm64') });
    const output = execFileSync('qemu-aarch64', ['-L', '/usr/aarch64-linux-gnu', arm, 'share', '3000'], { input: '', encoding: 'utf8' });
    const report = JSON.parse(output) as ProbeReport;
    expect(report).toMatchObject({ isSea: true, version: `v${NODE_VERSION}` });
    expect(report.argv.slice(2)).toEqual(['share', '3000']);
    expect(execFileSync('readelf', ['-S', '-W', arm], { encoding: 'utf8' })).not.toMatch(/\.symtab/);
  }, 300_000);
});
