import { describe, expect, it } from 'vitest';
import { dialCandidates, isUnreachableError } from '../origin-address.js';

const addresses = (hostname: string, lastGood: string | null = null) =>
  dialCandidates(hostname, lastGood).map((c) => `${c.address}/${c.family}`);

describe('dialCandidates', () => {
  it.each([
    ['localhost', null, ['127.0.0.1/4', '::1/6']],
    ['localhost', '::1', ['::1/6', '127.0.0.1/4']],
    ['localhost', '127.0.0.1', ['127.0.0.1/4', '::1/6']],
    ['app.localhost', null, ['127.0.0.1/4', '::1/6']],
    ['api.app.localhost', '::1', ['::1/6', '127.0.0.1/4']],
    ['127.0.0.1', null, ['127.0.0.1/4']],
    ['127.1.2.3', '::1', ['127.1.2.3/4']],
    ['[::1]', null, ['::1/6']],
    ['::1', null, ['::1/6']],
  ])('%s (last good %s) → %j', (hostname, lastGood, expected) => {
    expect(addresses(hostname, lastGood)).toEqual(expected);
  });
});

describe('isUnreachableError', () => {
  it.each([
    [{ code: 'ECONNREFUSED' }, true],
    [{ code: 'EADDRNOTAVAIL' }, true],
    [{ code: 'ETIMEDOUT' }, true],
    [Object.assign(new AggregateError([{ code: 'ECONNREFUSED' }, { code: 'ECONNREFUSED' }]), { code: 'ECONNREFUSED' }), true],
    [new AggregateError([{ code: 'ECONNREFUSED' }, { code: 'EPROTO' }]), false],
    [{ code: 'ECONNRESET' }, false],
    [{ code: 'HPE_INVALID_CONSTANT' }, false],
    [new Error('x'), false],
    [null, false],
  ])('%o → %s', (error, expected) => {
    expect(isUnreachableError(error)).toBe(expected);
  });
});
