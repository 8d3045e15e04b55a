import type { PickedFile } from './upload-plan';

/**
 * Turns what the browser hands over into files with their paths: a drop (folders read through
 * webkitGetAsEntry, which Chromium and Firefox both offer) or an <input> (webkitRelativePath for a
 * picked folder, the name for picked files).
 */

/** The parts of the File and Directory Entries API a drop gives (lib.dom's types are not in every TS target). */
interface Entry {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
  fullPath: string;
}
interface FileEntry extends Entry {
  file(success: (file: File) => void, failure: (error: unknown) => void): void;
}
interface DirectoryEntry extends Entry {
  createReader(): { readEntries(success: (entries: Entry[]) => void, failure: (error: unknown) => void): void };
}

function readFile(entry: FileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

/** Every entry of a folder: readEntries gives them in batches (100 in Chromium) until an empty one. */
async function readFolder(entry: DirectoryEntry): Promise<Entry[]> {
  const reader = entry.createReader();
  const all: Entry[] = [];
  for (;;) {
    const batch = await new Promise<Entry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

async function walk(entry: Entry, into: PickedFile<File>[]): Promise<void> {
  if (entry.isFile) {
    const file = await readFile(entry as FileEntry);
    into.push({ path: entry.fullPath.replace(/^\//, ''), size: file.size, file });
  } else if (entry.isDirectory) {
    for (const child of await readFolder(entry as DirectoryEntry)) await walk(child, into);
  }
}

/**
 * The files of a drop. The entries must be taken while the drop event runs (the list empties after),
 * so this reads them synchronously and walks the folders afterwards.
 */
export function filesOfDrop(transfer: DataTransfer): Promise<PickedFile<File>[]> {
  const roots: (Entry | File)[] = [];
  for (const item of Array.from(transfer.items)) {
    if (item.kind !== 'file') continue;
    const entry = (item as DataTransferItem & { webkitGetAsEntry?: () => Entry | null }).webkitGetAsEntry?.() ?? null;
    const file = entry === null ? item.getAsFile() : null;
    if (entry !== null) roots.push(entry);
    else if (file !== null) roots.push(file);
  }
  return (async () => {
    const picked: PickedFile<File>[] = [];
    for (const root of roots) {
      if (root instanceof File) picked.push({ path: root.webkitRelativePath || root.name, size: root.size, file: root });
      else await walk(root, picked);
    }
    return picked;
  })();
}

/** The files of an <input type=file> (with webkitdirectory, each carries its path under the picked folder). */
export function filesOfInput(list: FileList | null): PickedFile<File>[] {
  return Array.from(list ?? []).map((file) => ({ path: file.webkitRelativePath || file.name, size: file.size, file }));
}
