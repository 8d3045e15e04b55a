/**
 * nginx as the anchor the gateway is judged against: a relay written in C by people who do little
 * else, configured as a fair reverse proxy for one origin (one worker, HTTP/1.1 and keep-alive to the
 * upstream, no response buffering, no logging). Only used where nginx is installed (CI installs it).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from './stats.js';

export interface Nginx {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export function nginxVersion(): string | null {
  const result = spawnSync('nginx', ['-v'], { encoding: 'utf8' });
  if (result.error !== undefined || result.status !== 0) return null;
  return /nginx\/(\S+)/.exec(result.stderr)?.[1] ?? 'unknown';
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export function nginxConfig(dir: string, listenPort: number, originPort: number): string {
  const temp = (name: string) => join(dir, name);
  return `
worker_processes 1;
daemon off;
pid ${temp('nginx.pid')};
error_log ${temp('error.log')} warn;
${process.getuid?.() === 0 ? 'user root;' : ''}
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${temp('body')};
  proxy_temp_path ${temp('proxy')};
  fastcgi_temp_path ${temp('fastcgi')};
  uwsgi_temp_path ${temp('uwsgi')};
  scgi_temp_path ${temp('scgi')};
  upstream origin { server 127.0.0.1:${originPort}; keepalive 64; }
  server {
    listen 127.0.0.1:${listenPort};
    location / {
      proxy_pass http://origin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
`;
}

async function answers(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/small`);
    await response.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

export async function startNginx(originPort: number): Promise<Nginx | null> {
  if (nginxVersion() === null) return null;
  const dir = mkdtempSync(join(tmpdir(), 'porthole-bench-nginx-'));
  for (const name of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, name));
  const port = await freePort();
  writeFileSync(join(dir, 'nginx.conf'), nginxConfig(dir, port, originPort));
  const child: ChildProcess = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 50 && !(await answers(port)); i++) await sleep(100);
  if (child.pid === undefined || child.exitCode !== null) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`nginx did not start; see ${join(dir, 'error.log')}`);
  }
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGQUIT');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
