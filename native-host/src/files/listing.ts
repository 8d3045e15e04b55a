/** The optional folder listing (`--listing`): names only, escaped, dotfiles hidden unless allowed. Pure. */
export interface ListedEntry {
  name: string;
  isDirectory(): boolean;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function listingPage(path: string, entries: readonly ListedEntry[], dotfiles: boolean): string {
  const shown = entries
    .filter((entry) => dotfiles || !entry.name.startsWith('.'))
    .filter((entry) => !/[?#]/.test(entry.name))
    .map((entry) => ({
      name: entry.name + (entry.isDirectory() ? '/' : ''),
      href: encodeURIComponent(entry.name) + (entry.isDirectory() ? '/' : ''),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const items = shown.map((entry) => `<li><a href="${escapeHtml(entry.href)}">${escapeHtml(entry.name)}</a></li>`).join('\n');
  const up = path === '/' ? '' : '<li><a href="../">../</a></li>\n';
  return `<!doctype html>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width">\n<title>${escapeHtml(path)}</title>\n<h1>${escapeHtml(path)}</h1>\n<ul>\n${up}${items}\n</ul>\n`;
}
