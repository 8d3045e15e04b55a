import { useEffect, useRef, useState } from 'preact/hooks';
import { type Preferences, type PreferencesArea, readPreferences, writePreferences } from '../../lib/preferences';
import { OptionsView } from '../../ui/options-view';

/** Reads the preferences from `area` (browser.storage.sync) and writes each change at once. */
export function App({ area }: { area: PreferencesArea }) {
  const [preferences, setPreferences] = useState<Preferences | null>(null);
  const current = useRef<Preferences | null>(null);
  useEffect(() => {
    void readPreferences(area).then((stored) => {
      current.current = stored;
      setPreferences(stored);
    });
  }, [area]);
  const change = (patch: Partial<Preferences>) => {
    if (!current.current) return;
    const next = { ...current.current, ...patch };
    current.current = next;
    setPreferences(next);
    void writePreferences(area, next);
  };
  return <OptionsView preferences={preferences} onChange={change} />;
}
