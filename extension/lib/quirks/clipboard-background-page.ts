/**
 * Firefox: the MV2 background is a real page with a DOM, and with the `clipboardWrite` permission
 * an extension page may write the clipboard without a user gesture
 * (https://developer.mozilla.org/docs/Mozilla/Add-ons/WebExtensions/Interact_with_the_clipboard),
 * so no offscreen document is needed (Firefox has no `offscreen` API at all).
 */
export async function writeClipboardFromBackgroundPage(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Older Firefox releases refuse writeText outside a user gesture; execCommand still works there.
    if (!copyWithExecCommand(text)) throw new Error('Firefox refused to write the clipboard.');
  }
}

export function copyWithExecCommand(text: string): boolean {
  const field = document.createElement('textarea');
  field.value = text;
  field.setAttribute('readonly', '');
  document.body.append(field);
  field.select();
  try {
    return document.execCommand('copy');
  } finally {
    field.remove();
  }
}
