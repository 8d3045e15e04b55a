import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { checkPassword, type HiddenLine, type PasswordInput, passwordFromStdinText, readSharePassword, typeHidden } from '../password.js';

const typing: HiddenLine = { text: '', state: 'typing' };

describe('typing a hidden password', () => {
  it.each([
    [['secret\r'], { text: 'secret', state: 'done' }],
    [['sec', 'ret\n'], { text: 'secret', state: 'done' }],
    [['secrex\u007ft\r'], { text: 'secret', state: 'done' }],
    [['wrong\u0015right\r'], { text: 'right', state: 'done' }],
    [['pa\u001b[Dss\u001b[1;5C\r'], { text: 'pass', state: 'done' }],
    [['pass\u0003'], { text: '', state: 'aborted' }],
    [['\u0004'], { text: '', state: 'aborted' }],
    [['pw\u0004'], { text: 'pw', state: 'done' }],
    [['tab\there\r'], { text: 'tabhere', state: 'done' }],
    [['naïve 🔑\r'], { text: 'naïve 🔑', state: 'done' }],
    [['🔑\u007f\r'], { text: '', state: 'done' }],
    [['half'], { text: 'half', state: 'typing' }],
  ])('%j → %j', (chunks, expected) => {
    expect(chunks.reduce(typeHidden, typing)).toEqual(expected);
  });
});

describe('the password from standard input', () => {
  it('is the first line without its line ending', () => {
    expect(passwordFromStdinText('open sesame\n')).toBe('open sesame');
    expect(passwordFromStdinText('open sesame\r\nsecond line\n')).toBe('open sesame');
    expect(passwordFromStdinText('no newline')).toBe('no newline');
    expect(passwordFromStdinText('')).toBe('');
  });

  it('follows the contract’s rules, and never repeats the value', () => {
    expect(checkPassword('x'.repeat(256), 'in PORTHOLE_PASSWORD')).toBeNull();
    expect(checkPassword('', 'read from standard input')).toBe(
      'The password read from standard input is empty; a share password needs at least 8 characters.',
    );
    expect(checkPassword('seven77', 'in PORTHOLE_PASSWORD')).toMatch(
      /^The password in PORTHOLE_PASSWORD is too short: .* at least 8 characters/,
    );
    expect(checkPassword('y'.repeat(257), 'in PORTHOLE_PASSWORD')).toBe(
      'The password in PORTHOLE_PASSWORD is 257 characters long; at most 256 are allowed.',
    );
    expect(checkPassword('a\tsecret', 'in PORTHOLE_PASSWORD')).not.toContain('secret');
  });
});

function pipeInput(text: string | null, isTTY = false): PasswordInput {
  const input = new PassThrough() as PassThrough & PasswordInput;
  input.isTTY = isTTY;
  if (text !== null) input.end(text);
  return input;
}

describe('readSharePassword', () => {
  const stderr = new PassThrough();

  it('takes PORTHOLE_PASSWORD when no option is given, and removes it from the environment', async () => {
    const env: NodeJS.ProcessEnv = { PORTHOLE_PASSWORD: 'from env', PATH: '/bin' };
    expect(await readSharePassword('none', { env, stdin: pipeInput(null), stderr })).toEqual({
      ok: true,
      password: 'from env',
      source: 'env',
    });
    expect(env).toEqual({ PATH: '/bin' });
  });

  it('means no password when nothing is given', async () => {
    expect(await readSharePassword('none', { env: { PORTHOLE_PASSWORD: '' }, stdin: pipeInput(null), stderr })).toEqual({
      ok: true,
      password: null,
      source: 'none',
    });
  });

  it('--password-stdin reads a pipe, and wins over the environment (which is still removed)', async () => {
    const env: NodeJS.ProcessEnv = { PORTHOLE_PASSWORD: 'from env' };
    expect(await readSharePassword('stdin', { env, stdin: pipeInput('piped\n'), stderr })).toEqual({
      ok: true,
      password: 'piped',
      source: 'stdin',
    });
    expect(env.PORTHOLE_PASSWORD).toBeUndefined();
  });

  it('--password-stdin refuses an empty pipe and a terminal', async () => {
    expect(await readSharePassword('stdin', { env: {}, stdin: pipeInput(''), stderr })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/is empty/),
    });
    expect(await readSharePassword('stdin', { env: {}, stdin: pipeInput(null, true), stderr })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/standard input is a terminal here/),
    });
  });

  it('--password without a terminal says what to use instead', async () => {
    expect(await readSharePassword('prompt', { env: {}, stdin: pipeInput('typed\n'), stderr })).toEqual({
      ok: false,
      message:
        '--password asks for the password at a terminal, and standard input is not one here: set PORTHOLE_PASSWORD, or pipe it in with --password-stdin.',
    });
  });
});
