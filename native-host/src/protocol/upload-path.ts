/**
 * Which names a dropped file may have inside an upload (`upload-chunk`'s `path`, and each entry of an
 * unpacked .zip). Pure and free of Node APIs: the host checks every name with it, and the extension
 * uses it to say which dropped files cannot be sent before it sends anything.
 *
 * A name is relative and `/`-separated (`css/site.css`). Refused, because the host joins the name
 * onto its private folder and must never write outside it: an absolute name (`/etc/passwd`, `C:…`,
 * `\\server`), an empty, `.` or `..` segment (or one of dots and spaces only, which Windows reads as those), a backslash (a separator on Windows), a drive letter,
 * NUL and other control characters (they also forge log lines), and names or segments longer than
 * any file system takes.
 */

/** Far above any real site's paths; keeps one request's name small. */
export const MAX_UPLOAD_PATH_LENGTH = 1024;
/** Most file systems cap one name at 255 bytes. */
export const MAX_UPLOAD_SEGMENT_BYTES = 255;

export type UploadPath = { ok: true; segments: string[] } | { ok: false; reason: string };

const CONTROL = /\p{Cc}/u;
const DRIVE = /^[A-Za-z]:/;

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** The segments of a file's name inside an upload, or why the name is refused (a sentence fragment naming it). */
export function checkUploadPath(path: string): UploadPath {
  const shown = JSON.stringify(path.length > 120 ? `${path.slice(0, 120)}…` : path);
  if (path.length === 0) return { ok: false, reason: 'a file has an empty name' };
  if (path.length > MAX_UPLOAD_PATH_LENGTH) return { ok: false, reason: `the name ${shown} is over ${MAX_UPLOAD_PATH_LENGTH} characters` };
  if (CONTROL.test(path)) return { ok: false, reason: `the name ${shown} holds a control character` };
  if (path.includes('\\')) return { ok: false, reason: `the name ${shown} holds a backslash` };
  if (path.startsWith('/') || DRIVE.test(path)) return { ok: false, reason: `the name ${shown} is an absolute path` };
  const segments = path.split('/');
  for (const segment of segments) {
    // Windows drops trailing dots and spaces from a name, so `...` or `.. ` would be `..` there.
    if (segment === '' || /^[. ]+$/.test(segment))
      return { ok: false, reason: `the name ${shown} has an empty, "." or ".." part, which could point outside the upload` };
    if (utf8Length(segment) > MAX_UPLOAD_SEGMENT_BYTES)
      return { ok: false, reason: `the name ${shown} has a part over ${MAX_UPLOAD_SEGMENT_BYTES} bytes` };
  }
  return { ok: true, segments };
}
