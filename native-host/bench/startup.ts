/** Start-up and idle memory of the built host against the same Node version doing nothing. */
import { spawn, spawnSync } from 'node:child_process';
import { HOST_BINARY, HostDriver } from '../test/host-driver.js';
import { baselineNode } from './baseline-node.js';
import { type Memory, memoryOf } from './proc.js';
import { elapsedMs, median, sleep } from './stats.js';

function timeRun(command: string, args: string[]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
  return elapsedMs(started);
}

/** `porthole-host --version` against `node -e 0` of the host's own Node version, interleaved. */
export function startupMedians(runs: number): { host: number; node: number; nodeVersion: string } {
  const node = baselineNode();
  const hostRuns: number[] = [];
  const nodeRuns: number[] = [];
  for (let i = 0; i < runs; i++) {
    hostRuns.push(timeRun(HOST_BINARY, ['--version']));
    nodeRuns.push(timeRun(node.path, ['-e', '0']));
  }
  return { host: median(hostRuns), node: median(nodeRuns), nodeVersion: node.version };
}

/** An idle host (after `hello`, as the browser leaves it) against an idle Node of the same version. */
export async function idleMemory(fakeCloudflared: string): Promise<{ host: Memory | null; node: Memory | null }> {
  const host = new HostDriver({ fakeCloudflared });
  try {
    await host.request({ type: 'hello' });
    await sleep(1000);
    const hostMemory = host.child.pid === undefined ? null : memoryOf(host.child.pid);
    const idle = spawn(baselineNode().path, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    await sleep(1000);
    const nodeMemory = idle.pid === undefined ? null : memoryOf(idle.pid);
    idle.kill();
    return { host: hostMemory, node: nodeMemory };
  } finally {
    await host.dispose();
  }
}
