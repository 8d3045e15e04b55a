import { describe, expect, it } from 'vitest';
import { hostnameOfHeader, RouterTable } from '../router-table.js';

describe('the Host router table', () => {
  it('reads the name of a Host header: case, port and a trailing dot do not matter', () => {
    expect(hostnameOfHeader('App.Example.com')).toBe('app.example.com');
    expect(hostnameOfHeader('app.example.com:443')).toBe('app.example.com');
    expect(hostnameOfHeader('app.example.com.')).toBe('app.example.com');
    expect(hostnameOfHeader(undefined)).toBeNull();
    expect(hostnameOfHeader('[::1]:80')).toBeNull();
    expect(hostnameOfHeader('app.example.com:x')).toBeNull();
    expect(hostnameOfHeader('app.example.com/evil')).toBeNull();
  });

  it('sends each name to its gateway and nothing else anywhere', () => {
    const table = new RouterTable();
    table.set('alpha.example.com', { host: '127.0.0.1', port: 1001 });
    table.set('beta.example.com', { host: '127.0.0.1', port: 1002 });
    expect(table.lookup('ALPHA.example.com:443')).toEqual({ host: '127.0.0.1', port: 1001 });
    expect(table.lookup('beta.example.com')).toEqual({ host: '127.0.0.1', port: 1002 });
    expect(table.lookup('gamma.example.com')).toBeNull();
    expect(table.lookup('example.com')).toBeNull();
    expect(table.lookup('x.alpha.example.com')).toBeNull();
  });

  it('removes an entry only for the gateway that owns it', () => {
    const table = new RouterTable();
    table.set('alpha.example.com', { host: '127.0.0.1', port: 1001 });
    table.delete('alpha.example.com', { host: '127.0.0.1', port: 9999 });
    expect(table.has('alpha.example.com')).toBe(true);
    table.delete('alpha.example.com', { host: '127.0.0.1', port: 1001 });
    expect(table.has('alpha.example.com')).toBe(false);
    expect(table.size).toBe(0);
  });
});
