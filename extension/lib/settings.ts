/**
 * The person's preferences, from the options page. Kept in storage.sync so they follow the
 * browser profile; read fresh each time they matter, so a change applies at once.
 */
export interface Settings {
  /** Copy a share's public address to the clipboard as soon as it is known. */
  copyWhenReady: boolean;
  /** Stop a share when the tab it was started from closes. */
  stopWhenTabCloses: boolean;
}

export const DEFAULT_SETTINGS: Settings = { copyWhenReady: true, stopWhenTabCloses: false };
export const SETTINGS_KEY = 'porthole:settings';

export interface SettingsArea {
  get(keys: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}

export async function readSettings(area: SettingsArea): Promise<Settings> {
  const stored = (await area.get(SETTINGS_KEY))[SETTINGS_KEY];
  const value = typeof stored === 'object' && stored !== null ? (stored as Partial<Settings>) : {};
  return {
    copyWhenReady: typeof value.copyWhenReady === 'boolean' ? value.copyWhenReady : DEFAULT_SETTINGS.copyWhenReady,
    stopWhenTabCloses: typeof value.stopWhenTabCloses === 'boolean' ? value.stopWhenTabCloses : DEFAULT_SETTINGS.stopWhenTabCloses,
  };
}

/** Writes the whole value: two quick changes can never undo each other, as a read-then-write could. */
export async function writeSettings(area: SettingsArea, settings: Settings): Promise<void> {
  await area.set({ [SETTINGS_KEY]: settings });
}
