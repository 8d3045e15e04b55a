import { parseState, type PortholeState } from './share-state';

/**
 * Where the share state lives between the background and its views: storage.session, which
 * survives a restarted MV3 service worker and is readable from the popup, and is cleared when the
 * browser closes (as are the shares, whose host the browser stops).
 */
export const STATE_KEY = 'porthole:state';

/** The part of a storage area (browser.storage.session) that is used. */
export interface StateArea {
  get(keys: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}

/** browser.storage.onChanged, reduced to what is used. */
export interface StorageChangedEvent {
  addListener(listener: (changes: Record<string, { newValue?: unknown }>, areaName: string) => void): void;
  removeListener(listener: (changes: Record<string, { newValue?: unknown }>, areaName: string) => void): void;
}

export async function readState(area: StateArea): Promise<PortholeState> {
  const stored = await area.get(STATE_KEY);
  return parseState(stored[STATE_KEY]);
}

export async function writeState(area: StateArea, state: PortholeState): Promise<void> {
  await area.set({ [STATE_KEY]: state });
}

/** Calls `listener` with each new state written to the session area. Returns an unsubscribe. */
export function watchState(onChanged: StorageChangedEvent, listener: (state: PortholeState) => void): () => void {
  const handle = (changes: Record<string, { newValue?: unknown }>, areaName: string) => {
    if (areaName === 'session' && STATE_KEY in changes) listener(parseState(changes[STATE_KEY]?.newValue));
  };
  onChanged.addListener(handle);
  return () => onChanged.removeListener(handle);
}
