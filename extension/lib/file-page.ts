/**
 * A page opened from disk (`file:///home/me/site/index.html`): which file it is, which folder
 * sharing it makes public, the folders above it the person may pick instead, and the public link to
 * the same page once the folder is shared. Pure; POSIX paths and Windows drive paths.
 */
export interface FilePage {
  /** The file's path as the host reads it: `/home/me/site/index.html`, `C:\site\index.html`. */
  path: string;
  /** The folder that holds it, the one shared by default. */
  folder: string;
  separator: '/' | '\\';
}

export function filePageOf(url: string | null): FilePage | null {
  if (url === null) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  // A file on another machine (file://server/…) is not this computer's to serve.
  if (parsed.protocol !== 'file:' || (parsed.hostname !== '' && parsed.hostname !== 'localhost')) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (pathname.endsWith('/') || pathname.includes('\0')) return null;
  const drive = /^\/([A-Za-z]:)\//.exec(pathname);
  const separator = drive !== null ? '\\' : '/';
  const path = drive !== null ? pathname.slice(1).replace(/\//g, '\\') : pathname;
  const folder = parentFolder({ path, folder: '', separator }, path);
  return folder === null ? null : { path, folder, separator };
}

/** The folder above `folder`, or null at the top (`/`, `C:\`). */
export function parentFolder(page: Pick<FilePage, 'separator'> & Partial<FilePage>, folder: string): string | null {
  if (/^[A-Za-z]:\\?$/.test(folder)) return null;
  const cut = folder.lastIndexOf(page.separator);
  if (cut <= 0) return folder.length > 1 && folder.startsWith('/') ? '/' : null;
  const parent = folder.slice(0, cut);
  // `C:` alone is the current folder of drive C, not its root.
  return /^[A-Za-z]:$/.test(parent) ? `${parent}\\` : parent;
}

/**
 * The public address of the same page: the share's URL and the file's path below the shared folder,
 * each segment encoded. Null when the file is not inside that folder.
 */
export function publicPageLink(shareUrl: string, folder: string, page: FilePage): string | null {
  const prefix = folder.endsWith(page.separator) ? folder : folder + page.separator;
  if (!page.path.startsWith(prefix)) return null;
  const below = page.path.slice(prefix.length).split(page.separator).map(encodeURIComponent).join('/');
  return `${shareUrl.replace(/\/$/, '')}/${below}`;
}
