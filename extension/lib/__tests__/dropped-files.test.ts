/**
 * Reading a drop: a folder's entries (File and Directory Entries API, as Chromium and Firefox hand them
 * over: readEntries in batches until an empty one), several files, and what an <input> gives.
 * The entries are objects of that API's shape: no test browser can synthesise a dropped folder.
 */
import { describe, expect, it } from 'vitest';
import { filesOfDrop, filesOfInput } from '../dropped-files';
import { planUpload } from '../upload-plan';

type Node = { name: string; text?: string; children?: Node[] };

function entryOf(node: Node, parent = ''): object {
  const fullPath = `${parent}/${node.name}`;
  if (node.children === undefined)
    return {
      isFile: true,
      isDirectory: false,
      name: node.name,
      fullPath,
      file: (ok: (file: File) => void) => ok(new File([node.text ?? ''], node.name)),
    };
  const children = node.children.map((child) => entryOf(child, fullPath));
  return {
    isFile: false,
    isDirectory: true,
    name: node.name,
    fullPath,
    createReader() {
      // Two at a time, then an empty batch: Chromium gives 100 at a time.
      let at = 0;
      return {
        readEntries(ok: (entries: object[]) => void) {
          const batch = children.slice(at, at + 2);
          at += batch.length;
          setTimeout(() => ok(batch), 0);
        },
      };
    },
  };
}

function transferOf(items: { entry?: object; file?: File }[]): DataTransfer {
  return {
    items: items.map((item) => ({ kind: 'file', webkitGetAsEntry: () => item.entry ?? null, getAsFile: () => item.file ?? null })),
  } as unknown as DataTransfer;
}

describe('filesOfDrop', () => {
  it('walks a dropped folder, every batch of every sub-folder, and plans it as that folder', async () => {
    const dist: Node = {
      name: 'dist',
      children: [
        { name: 'index.html', text: '<h1>' },
        { name: 'a.js', text: '1' },
        { name: 'b.js', text: '22' },
        { name: 'css', children: [{ name: 'site.css', text: 'p{}' }] },
        { name: 'empty', children: [] },
      ],
    };
    const picked = await filesOfDrop(transferOf([{ entry: entryOf(dist) }]));
    expect(picked.map((item) => [item.path, item.size])).toEqual([
      ['dist/index.html', 4],
      ['dist/a.js', 1],
      ['dist/b.js', 2],
      ['dist/css/site.css', 3],
    ]);
    const planned = planUpload(picked, { dotfiles: false });
    expect(planned.ok && [planned.plan.label, planned.plan.files.map((file) => file.path)]).toEqual([
      'dist',
      ['index.html', 'a.js', 'b.js', 'css/site.css'],
    ]);
  });

  it('takes files without an entry (a DataTransfer built by a page) by their names', async () => {
    const zip = new File(['PK'], 'site.zip');
    const picked = await filesOfDrop(transferOf([{ file: zip }]));
    expect(picked).toEqual([{ path: 'site.zip', size: 2, file: zip }]);
  });
});

describe('filesOfInput', () => {
  it('keeps a picked folder’s relative paths', () => {
    const file = new File(['x'], 'index.html');
    Object.defineProperty(file, 'webkitRelativePath', { value: 'dist/index.html' });
    const plain = new File(['yy'], 'a.css');
    expect(filesOfInput([file, plain] as unknown as FileList)).toEqual([
      { path: 'dist/index.html', size: 1, file },
      { path: 'a.css', size: 2, file: plain },
    ]);
    expect(filesOfInput(null)).toEqual([]);
  });
});
