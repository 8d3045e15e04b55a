/**
 * The person's preferences, from the options page. Kept in storage.sync so they follow the
 * browser profile; read fresh each time they matter, so a change applies at once.
 */
export interface Preferences {
  /** Copy a share's public address to the clipboard as soon as it is known. */
  copyWhenReady: boolean;
  /** Stop a share when the tab it was started from closes. */
  stopWhenTabCloses: boolean;
}

export const DEFAULT_PREFERENCES: Preferences = { copyWhenReady: true, stopWhenTabCloses: false };
/** The storage key predates the name "preferences"; kept so that what people chose survives updates. */
export const PREFERENCES_KEY = 'porthole:settings';

export interface PreferencesArea {
  get(keys: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}

export async function readPreferences(area: PreferencesArea): Promise<Preferences> {
  const stored = (await area.get(PREFERENCES_KEY))[PREFERENCES_KEY];
  const value = typeof stored === 'object' && stored !== null ? (stored as Partial<Preferences>) : {};
  return {
    copyWhenReady: typeof value.copyWhenReady === 'boolean' ? value.copyWhenReady : DEFAULT_PREFERENCES.copyWhenReady,
    stopWhenTabCloses: typeof value.stopWhenTabCloses === 'boolean' ? value.stopWhenTabCloses : DEFAULT_PREFERENCES.stopWhenTabCloses,
  };
}

/** Writes the whole value: two quick changes can never undo each other, as a read-then-write could. */
export async function writePreferences(area: PreferencesArea, preferences: Preferences): Promise<void> {
  await area.set({ [PREFERENCES_KEY]: preferences });
}
