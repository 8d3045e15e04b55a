import { checkUploadPath, MAX_UPLOAD_BYTES, MAX_UPLOAD_FILES } from './protocol';

/**
 * What a drop becomes before anything is sent, pure: the label the share list shows, the files and
 * their names inside the upload, the total, and whether it is one .zip for the host to unpack. What
 * the host would refuse is said here first (names, limits), and dotfiles are left out unless the
 * user opted in, since the host would not serve them anyway (issue 13: nothing public that the user
 * did not choose, and no bytes sent for nothing).
 */

/** One dropped or picked file: its path as the browser gave it (`dist/css/a.css`, or just `a.css`). */
export interface PickedFile<F = unknown> {
  path: string;
  size: number;
  file: F;
}

export interface PlannedFile<F = unknown> {
  /** Its name inside the upload (`css/a.css`): the public path. */
  path: string;
  size: number;
  file: F;
}

export interface UploadPlan<F = unknown> {
  label: string;
  files: PlannedFile<F>[];
  totalBytes: number;
  archive: boolean;
  /** Names starting with a dot (or inside a dot folder) that are not sent. */
  dotfilesLeftOut: number;
}

export type PlanResult<F> = { ok: true; plan: UploadPlan<F> } | { ok: false; message: string };

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

const plural = (count: number, one: string) => `${count} ${one}${count === 1 ? '' : 's'}`;

export function planUpload<F>(picked: readonly PickedFile<F>[], options: { dotfiles: boolean }): PlanResult<F> {
  if (picked.length === 0) return { ok: false, message: 'Nothing to share: that drop held no files (empty folders are not sent).' };
  const tops = new Set(picked.map((item) => item.path.split('/')[0]));
  const oneFolder = tops.size === 1 && picked.every((item) => item.path.includes('/'));
  const only = picked.length === 1 ? picked[0] : undefined;
  if (only !== undefined && !only.path.includes('/') && /\.zip$/i.test(only.path)) {
    if (only.size > MAX_UPLOAD_BYTES)
      return { ok: false, message: `${only.path} is ${formatBytes(only.size)}; Porthole shares at most 1 GB at once.` };
    return { ok: true, plan: { label: only.path, files: [{ ...only }], totalBytes: only.size, archive: true, dotfilesLeftOut: 0 } };
  }
  const files: PlannedFile<F>[] = [];
  let dotfilesLeftOut = 0;
  for (const item of picked) {
    // A dropped folder is the site: its own name is not part of the public paths.
    const path = oneFolder ? item.path.slice(item.path.indexOf('/') + 1) : item.path;
    if (!options.dotfiles && path.split('/').some((segment) => segment.startsWith('.'))) {
      dotfilesLeftOut++;
      continue;
    }
    const checked = checkUploadPath(path);
    if (!checked.ok) return { ok: false, message: `Porthole cannot send that: ${checked.reason}. Rename it, then drop again.` };
    files.push({ path, size: item.size, file: item.file });
  }
  if (files.length === 0)
    return { ok: false, message: 'Every file there starts with a dot, and dotfiles are not shared unless you tick "Share dotfiles".' };
  const totalBytes = files.reduce((sum, file) => sum + file.size, 0);
  if (files.length > MAX_UPLOAD_FILES)
    return { ok: false, message: `That is ${files.length} files; Porthole shares at most ${MAX_UPLOAD_FILES} at once.` };
  if (totalBytes > MAX_UPLOAD_BYTES)
    return { ok: false, message: `Those files hold ${formatBytes(totalBytes)}; Porthole shares at most 1 GB at once.` };
  const label = oneFolder
    ? (picked[0]?.path.split('/')[0] ?? 'folder')
    : files.length === 1
      ? (files[0]?.path ?? '1 file')
      : plural(files.length, 'file');
  return { ok: true, plan: { label, files, totalBytes, archive: false, dotfilesLeftOut } };
}
