import { describe, expect, it } from 'vitest';
import { defaultStableName, nameOfHostname, normaliseName, slugify, stableNameProblem } from '../stable-name';

describe('stable names', () => {
  it.each([
    ['Vite + React + TS', 'vite-react-ts'],
    ['Café Crème — Admin', 'cafe-creme-admin'],
    ['  --My_App!!  ', 'my-app'],
    ['日本語のページ', ''],
    ['a'.repeat(70), 'a'.repeat(63)],
    // Cut at 63 without leaving a hyphen last.
    [`${'a'.repeat(62)} b`, 'a'.repeat(62)],
  ])('slugify(%j) → %j', (title, slug) => {
    expect(slugify(title)).toBe(slug);
    if (slug !== '') expect(stableNameProblem(slug)).toBeNull();
  });

  it('proposes a name from the page’s title, else from the port', () => {
    expect(defaultStableName('http://localhost:5173', 'Acme Shop · Dashboard')).toBe('acme-shop-dashboard');
    expect(defaultStableName('http://localhost:5173', undefined)).toBe('app-5173');
    expect(defaultStableName('http://localhost:5173', '日本語')).toBe('app-5173');
    // An untitled page's title is its address: it names nothing.
    expect(defaultStableName('http://localhost:3000', 'localhost:3000/dashboard')).toBe('app-3000');
    expect(defaultStableName('http://127.0.0.1:8080', 'http://127.0.0.1:8080/')).toBe('app-8080');
    expect(defaultStableName('http://shop.localhost:3000', 'shop.localhost:3000/')).toBe('shop');
    expect(defaultStableName('http://shop.localhost:3000', 'Shop admin')).toBe('shop-admin');
  });

  it.each([
    ['myapp', null],
    ['my-app-2', null],
    ['0', null],
    ['a'.repeat(63), null],
    ['', /Give the address a name/],
    ['a'.repeat(64), /at most 63 characters; this one has 64/],
    ['-app', /cannot start or end with a hyphen/],
    ['app-', /cannot start or end with a hyphen/],
    ['my app', /only letters a–z, digits 0–9 and hyphens/],
    ['my.app', /only letters/],
    ['my_app', /only letters/],
    ['café', /only letters/],
  ])('%j is %s', (name, problem) => {
    const found = stableNameProblem(name);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toMatch(problem);
  });

  it('what is typed is sent trimmed and in lower case, as DNS compares names', () => {
    expect(normaliseName('  MyApp ')).toBe('myapp');
    expect(stableNameProblem(normaliseName(' MyApp '))).toBeNull();
  });

  it('a restart asks for the label of the hostname it had', () => {
    expect(nameOfHostname('shop.example.dev')).toBe('shop');
  });
});
