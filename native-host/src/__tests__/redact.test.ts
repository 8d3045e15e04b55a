import { describe, expect, it } from 'vitest';
import { loggablePath, scrubLogLine } from '../redact.js';

describe('loggablePath', () => {
  it.each([
    ['/reset?token=secret', '/reset?…'],
    ['/app#access_token=secret', '/app?…'],
    ['/a/b/c', '/a/b/c'],
    ['/?', '/?…'],
    ['', '/'],
    [undefined, '/'],
    ['http://user:secret@localhost:3000/x?key=secret', 'http://…@localhost:3000/x?…'],
    ['*', '*'],
  ])('%s → %s', (target, expected) => {
    expect(loggablePath(target)).toBe(expected);
  });
});

describe('scrubLogLine', () => {
  it.each([
    // The query runs to the next space: a colon may be part of it.
    ['gateway localhost:3000: GET /reset?token=secret: ECONNRESET', 'gateway localhost:3000: GET /reset?… ECONNRESET'],
    ['origin http://127.0.0.1:3000/login?next=/admin&sid=secret failed', 'origin http://127.0.0.1:3000/login?… failed'],
    ['"GET /x?api_key=secret HTTP/1.1"', '"GET /x?… HTTP/1.1"'],
    ['fetch https://alice:secret@example.com/ failed', 'fetch https://…@example.com/ failed'],
    [
      'started /usr/bin/cloudflared tunnel --url http://127.0.0.1:41234',
      'started /usr/bin/cloudflared tunnel --url http://127.0.0.1:41234',
    ],
    ['share s1 live https://a-b.trycloudflare.com', 'share s1 live https://a-b.trycloudflare.com'],
    ['did it work? yes', 'did it work? yes'],
    ['a line\r\nINF forged', 'a line\uFFFD\nINF forged'],
  ])('%s', (line, expected) => {
    expect(scrubLogLine(line)).toBe(expected);
    expect(scrubLogLine(expected)).toBe(expected);
  });
});
