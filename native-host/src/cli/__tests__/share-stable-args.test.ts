import { describe, expect, it } from 'vitest';
import { parseShareArgs } from '../share-args.js';

describe('porthole-host share --stable [--name]', () => {
  it('asks for a stable address, with or without a name', () => {
    expect(parseShareArgs(['3000', '--stable'])).toEqual({
      ok: true,
      origin: 'http://localhost:3000',
      settings: {},
      password: 'none',
      address: { kind: 'stable' },
    });
    expect(parseShareArgs(['3000', '--stable', '--name', 'MyApp'])).toMatchObject({ ok: true, address: { kind: 'stable', name: 'myapp' } });
    expect(parseShareArgs(['./dist', '--stable', '--name=docs'])).toMatchObject({
      ok: true,
      path: './dist',
      address: { kind: 'stable', name: 'docs' },
    });
  });

  it('keeps a quick address without --stable', () => {
    expect(parseShareArgs(['3000'])).toEqual({ ok: true, origin: 'http://localhost:3000', settings: {}, password: 'none' });
  });

  it('refuses --name without --stable, and a name that is not a DNS label', () => {
    const alone = parseShareArgs(['3000', '--name', 'myapp']);
    expect(alone.ok).toBe(false);
    if (!alone.ok) expect(alone.message).toContain('--stable');
    for (const name of ['my_app', '-app', 'a.b', 'x'.repeat(64)]) {
      const refused = parseShareArgs(['3000', '--stable', '--name', name]);
      expect(refused.ok, name).toBe(false);
      if (!refused.ok) expect(refused.message).toContain('cannot be a stable name');
    }
  });
});
