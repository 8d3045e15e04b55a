import { INITIAL_STATE, type PortholeState, parseState } from './porthole-state';

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

/**
 * The background's copy of the state: kept in memory, every change written to the session area
 * (so a restarted service worker and every popup see the same), and told to subscribers.
 */
export interface StateHolder {
  get(): PortholeState;
  /** Applies a pure change; nothing happens when it returns the same state. */
  update(change: (current: PortholeState) => PortholeState): void;
  /** Replaces the state with what was stored, without writing it back. */
  load(): Promise<void>;
  subscribe(listener: (state: PortholeState, previous: PortholeState) => void): () => void;
  /** Resolves once every change so far is written. */
  flush(): Promise<void>;
}

export function createStateHolder(area: StateArea, transform: (stored: PortholeState) => PortholeState = (stored) => stored): StateHolder {
  let state: PortholeState = INITIAL_STATE;
  let writing: Promise<void> = Promise.resolve();
  const listeners = new Set<(state: PortholeState, previous: PortholeState) => void>();
  const tell = (previous: PortholeState) => {
    for (const listener of [...listeners]) listener(state, previous);
  };
  return {
    get: () => state,
    update(change) {
      const previous = state;
      const next = change(previous);
      if (next === previous) return;
      state = next;
      writing = writing
        .then(() => writeState(area, next))
        .catch((error: unknown) => console.error('Porthole could not save its state:', error));
      tell(previous);
    },
    async load() {
      state = transform(await readState(area));
      // Told as no change: what was stored has been told about already, by the worker that stored it.
      tell(state);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    flush: () => writing,
  };
}
