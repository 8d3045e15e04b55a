import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkStarts } from '../sea/check-starts.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'porthole-starts-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe.skipIf(process.platform === 'win32')('checkStarts', () => {
  it('accepts an executable that prints the expected version', async () => {
    await expect(checkStarts(script('ok', 'echo 0.1.0'), '0.1.0')).resolves.toBeUndefined();
  });

  it('fails the build with what the executable said', async () => {
    await expect(checkStarts(script('broken', 'echo "Cannot find module" >&2; exit 1'), '0.1.0')).rejects.toMatchObject({
      code: 'executable-does-not-start',
      message: expect.stringContaining('should print 0.1.0 but said: Cannot find module'),
    });
  });
});
