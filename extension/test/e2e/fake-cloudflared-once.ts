import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A cloudflared for PORTHOLE_CLOUDFLARED whose first tunnel dies on its own once it is live (the
 * fake's `die-after-live` mode) and whose later tunnels stay up: a share that fails, then a
 * restart that works. The fake reads its mode from the environment at each start, so this wrapper
 * sets it for the first `tunnel` run only (a `--version` run does not count) and then execs the
 * fake, keeping the pid the host started.
 */
export function writeDieOnceCloudflared(dir: string, fakeCloudflared: string): string {
  const file = join(dir, 'cloudflared-dies-once');
  const marker = join(dir, 'first-tunnel-started');
  writeFileSync(
    file,
    [
      '#!/bin/sh',
      'case " $* " in',
      `  *" tunnel "*) if mkdir ${shellQuote(marker)} 2>/dev/null; then FAKE_CLOUDFLARED_MODE=die-after-live; export FAKE_CLOUDFLARED_MODE; fi ;;`,
      'esac',
      `exec ${shellQuote(fakeCloudflared)} "$@"`,
      '',
    ].join('\n'),
  );
  chmodSync(file, 0o755);
  return file;
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
