import { describe, expect, it } from 'vitest';
import { defaultLabel, hostnameFor, isHostname, normaliseLabel, tunnelNameFor, zoneOf } from '../names.js';

describe('stable names', () => {
  it.each([
    ['myapp', 'myapp'],
    ['MyApp', 'myapp'],
    ['a', 'a'],
    ['my-app-2', 'my-app-2'],
    ['a'.repeat(63), 'a'.repeat(63)],
  ])('%s is a DNS label (%s)', (name, label) => {
    expect(normaliseLabel(name)).toBe(label);
  });

  it.each(['', '-app', 'app-', 'my_app', 'my app', 'a.b', 'a'.repeat(64), 'café', '*'])('%j is refused', (name) => {
    expect(normaliseLabel(name)).toBeNull();
  });

  it('defaults to the port, or the *.localhost name, or a folder share’s folder', () => {
    expect(defaultLabel('http://localhost:3000')).toBe('app-3000');
    expect(defaultLabel('https://127.0.0.1:8443')).toBe('app-8443');
    expect(defaultLabel('http://shop.localhost:5173')).toBe('shop');
    expect(defaultLabel('http://127.0.0.1:41234', 'folder:/home/me/site/dist')).toBe('dist');
    expect(defaultLabel('http://127.0.0.1:41234', 'folder:/home/me/My Site!')).toBe('my-site');
  });

  it('builds hostnames under the zone and reads the zone back', () => {
    expect(hostnameFor('myapp', 'Example.COM')).toBe('myapp.example.com');
    expect(zoneOf('myapp.example.com', 'myapp')).toBe('example.com');
    expect(zoneOf('other.example.com', 'myapp')).toBeNull();
    expect(isHostname('app.example.com')).toBe(true);
    expect(isHostname('example')).toBe(false);
    expect(isHostname('bad host!.example.com')).toBe(false);
  });

  it('names the one tunnel after the computer', () => {
    expect(tunnelNameFor('Anna-Laptop.local')).toBe('porthole-anna-laptop');
    expect(tunnelNameFor('DESKTOP_7Q2')).toBe('porthole-desktop-7q2');
    expect(tunnelNameFor('')).toBe('porthole-computer');
  });
});
