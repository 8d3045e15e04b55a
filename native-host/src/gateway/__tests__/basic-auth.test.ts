import { describe, expect, it } from 'vitest';
import { AUTH_CHALLENGE, checkBasicAuth } from '../basic-auth.js';

const header = (credentials: string, encoding: BufferEncoding = 'utf8') => `Basic ${Buffer.from(credentials, encoding).toString('base64')}`;

describe('checkBasicAuth', () => {
  it.each([
    ['any user name', header('alice:s3cret'), true],
    ['an empty user name', header(':s3cret'), true],
    ['another user name', header('bob:s3cret'), true],
    ['the scheme in any case', header('x:s3cret').replace('Basic', 'bAsIc'), true],
    ['the wrong password', header('alice:s3cre'), false],
    ['a longer password', header('alice:s3cret!'), false],
    ['no colon at all', header('s3cret'), false],
    ['another scheme', `Bearer ${Buffer.from('x:s3cret').toString('base64')}`, false],
    ['nothing after the scheme', 'Basic ', false],
    ['garbage', 'Basic %%%', false],
    ['no header', undefined, false],
  ])('%s → %s', (_what, authorization, ok) => {
    expect(checkBasicAuth(authorization, 's3cret')).toBe(ok);
  });

  it('splits at the first colon, so the password may contain colons', () => {
    expect(checkBasicAuth(header('user:a:b:c'), 'a:b:c')).toBe(true);
  });

  it('takes non-ASCII passwords as UTF-8 (what charset="UTF-8" asks for) and as Latin-1', () => {
    expect(checkBasicAuth(header('u:mot de passé'), 'mot de passé')).toBe(true);
    expect(checkBasicAuth(header('u:mot de passé', 'latin1'), 'mot de passé')).toBe(true);
    expect(checkBasicAuth(header('u:🔑'), '🔑')).toBe(true);
  });

  it('asks in a way browsers answer with their own prompt', () => {
    expect(AUTH_CHALLENGE).toMatch(/^Basic realm="[^"]+", charset="UTF-8"$/);
  });
});
