/**
 * What tests use to find and drive a running fake cloudflared: its state files, and requests sent
 * to its stand-in edge as a visitor of the public URL would send them.
 */

import { readdir, readFile } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:http';
import { join } from 'node:path';

/** `<FAKE_CLOUDFLARED_STATE_DIR>/<pid>.json`, written by the fake (see main.ts). */
export interface FakeCloudflaredState {
  pid: number;
  /** The fake's arguments, as `process.argv.slice(2)`. */
  argv: string[];
  mode: string;
  /** Null until the tunnel exists (always null in the modes where the quick-tunnel API fails). */
  hostname: string | null;
  url: string | null;
  /** `127.0.0.1:PORT` of the stand-in edge; null until it listens. */
  edge: string | null;
  /** `HOST:PORT` of the metrics server; null until it listens. */
  metrics: string | null;
  /** True while a connection to the "edge" is registered: the public URL then serves the origin. */
  registered: boolean;
  /** Named mode (`tunnel run`): the tunnel's id; its edge serves every hostname routed to it. */
  tunnelId?: string | null;
}

export interface EdgeResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface EdgeRequestInit {
  method?: string;
  /** A `host` entry here replaces the public hostname, e.g. to ask for a tunnel that does not exist. */
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export async function readFakeStates(stateDir: string): Promise<FakeCloudflaredState[]> {
  let names: string[];
  try {
    names = await readdir(stateDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const states = await Promise.all(names.filter((name) => name.endsWith('.json')).map((name) => readState(join(stateDir, name))));
  return states.filter((state): state is FakeCloudflaredState => state !== undefined);
}

/** The file may vanish between readdir and readFile when the fake exits. */
async function readState(file: string): Promise<FakeCloudflaredState | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as FakeCloudflaredState;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export async function waitForFakeState(
  stateDir: string,
  predicate: (state: FakeCloudflaredState) => boolean,
  timeoutMs = 5_000,
): Promise<FakeCloudflaredState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = (await readFakeStates(stateDir)).find(predicate);
    if (match) return match;
    if (Date.now() > deadline) {
      throw new Error(`no fake cloudflared state in ${stateDir} matched within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Sends a request to the stand-in edge with the public hostname as Host, as a browser visiting the
 * tunnel's URL would. node:http rather than fetch, because fetch will not let a caller set Host.
 */
export function fetchThroughEdge(state: FakeCloudflaredState, path: string, init: EdgeRequestInit = {}): Promise<EdgeResponse> {
  if (state.edge === null || state.hostname === null) {
    return Promise.reject(new Error(`fake cloudflared ${state.pid} has no edge yet`));
  }
  const [host, port] = splitHostPort(state.edge);
  const headers = { host: state.hostname, ...init.headers };
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, method: init.method ?? 'GET', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

export function splitHostPort(address: string): [string, number] {
  const colon = address.lastIndexOf(':');
  return [address.slice(0, colon).replace(/^\[|\]$/g, ''), Number(address.slice(colon + 1))];
}
