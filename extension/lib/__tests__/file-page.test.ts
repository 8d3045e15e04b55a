import { describe, expect, it } from 'vitest';
import { filePageOf, parentFolder, publicPageLink } from '../file-page';

describe('a page opened from disk', () => {
  it('is its file, shared through its folder, with the parent folders on offer', () => {
    const page = filePageOf('file:///home/me/my%20site/docs/index.html');
    expect(page).toEqual({ path: '/home/me/my site/docs/index.html', folder: '/home/me/my site/docs', separator: '/' });
    expect(parentFolder(page!, page!.folder)).toBe('/home/me/my site');
    expect(parentFolder(page!, '/home')).toBe('/');
    expect(parentFolder(page!, '/')).toBeNull();
  });

  it('reads Windows drive paths', () => {
    const page = filePageOf('file:///C:/Users/me/site/index.html');
    expect(page).toEqual({ path: 'C:\\Users\\me\\site\\index.html', folder: 'C:\\Users\\me\\site', separator: '\\' });
    expect(parentFolder(page!, 'C:\\Users')).toBe('C:\\');
    expect(parentFolder(page!, 'C:\\')).toBeNull();
  });

  it('is not a file page when it is another scheme, another machine, or a folder view', () => {
    expect(filePageOf('http://localhost:3000/index.html')).toBeNull();
    expect(filePageOf('file://fileserver/share/index.html')).toBeNull();
    expect(filePageOf('file:///home/me/site/')).toBeNull();
    expect(filePageOf(null)).toBeNull();
  });

  it('links to the same page below the shared folder, parent folders included', () => {
    const page = filePageOf('file:///home/me/site/docs/a%23b.html')!;
    expect(publicPageLink('https://x-y.trycloudflare.com', page.folder, page)).toBe('https://x-y.trycloudflare.com/a%23b.html');
    expect(publicPageLink('https://x-y.trycloudflare.com/', '/home/me/site', page)).toBe('https://x-y.trycloudflare.com/docs/a%23b.html');
    expect(publicPageLink('https://x-y.trycloudflare.com', '/home/me/other', page)).toBeNull();
  });
});
