import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../protocol/index.js';
import { clipPath, TrafficLog, visitorKey } from '../traffic.js';

const request = (n: number, status = 200): RequestRecord => ({
  method: 'GET',
  path: `/${n}`,
  status,
  at: 1000 + n,
  ms: 1,
  country: null,
  visitor: '',
  requestHeaders: [],
  responseHeaders: [],
});

describe('TrafficLog', () => {
  it('starts empty', () => {
    expect(new TrafficLog().snapshot()).toEqual({ requests: 0, visitors: 0, recent: [] });
  });

  it('keeps the last requests, newest first, and counts them all', () => {
    const log = new TrafficLog(3);
    for (let n = 1; n <= 5; n++) log.record(request(n), 'v');
    const snapshot = log.snapshot();
    expect(snapshot.requests).toBe(5);
    expect(snapshot.recent.map((r) => r.path)).toEqual(['/5', '/4', '/3']);
  });

  it('counts distinct visitors, not requests refused at the password', () => {
    const log = new TrafficLog();
    log.record(request(1), 'a');
    log.record(request(2), 'a');
    log.record(request(3), 'b');
    log.record(request(4, 401), null);
    expect(log.snapshot()).toMatchObject({ requests: 4, visitors: 2 });
  });

  it('stops growing its visitor set at the cap', () => {
    const log = new TrafficLog(20, 2);
    for (const visitor of ['a', 'b', 'c', 'a']) log.record(request(1), visitor);
    expect(log.snapshot().visitors).toBe(2);
  });

  it('snapshots are copies', () => {
    const log = new TrafficLog();
    log.record(request(1), 'a');
    const before = log.snapshot();
    log.record(request(2), 'a');
    expect(before.recent).toHaveLength(1);
  });

  it('cuts long paths', () => {
    const log = new TrafficLog();
    log.record({ ...request(1), path: `/${'x'.repeat(1000)}` }, 'a');
    expect(log.snapshot().recent[0]?.path).toHaveLength(256);
    expect(clipPath(undefined)).toBe('/');
  });
});

describe('visitorKey', () => {
  it('takes the client cloudflared names, then X-Forwarded-For, then the peer; with the browser', () => {
    expect(visitorKey({ 'cf-connecting-ip': '203.0.113.7', 'x-forwarded-for': '10.0.0.1', 'user-agent': 'phone' }, '127.0.0.1')).toBe(
      '203.0.113.7\u0000phone',
    );
    expect(visitorKey({ 'x-forwarded-for': '198.51.100.2, 10.0.0.1' }, '127.0.0.1')).toBe('198.51.100.2\u0000');
    expect(visitorKey({}, '127.0.0.1')).toBe('127.0.0.1\u0000');
  });

  it('tells apart two browsers behind one address', () => {
    expect(visitorKey({ 'cf-connecting-ip': '1.2.3.4', 'user-agent': 'a' }, undefined)).not.toBe(
      visitorKey({ 'cf-connecting-ip': '1.2.3.4', 'user-agent': 'b' }, undefined),
    );
  });
});
