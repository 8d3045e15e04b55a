import { useEffect, useRef, useState } from 'preact/hooks';
import { readSettings, writeSettings, type Settings, type SettingsArea } from '../../lib/settings';
import { OptionsView } from '../../ui/options-view';

/** Reads the settings from `area` (browser.storage.sync) and writes each change at once. */
export function App({ area }: { area: SettingsArea }) {
  const [settings, setSettings] = useState<Settings | null>(null);
  const current = useRef<Settings | null>(null);
  useEffect(() => {
    void readSettings(area).then((stored) => {
      current.current = stored;
      setSettings(stored);
    });
  }, [area]);
  const change = (patch: Partial<Settings>) => {
    if (!current.current) return;
    const next = { ...current.current, ...patch };
    current.current = next;
    setSettings(next);
    void writeSettings(area, next);
  };
  return <OptionsView settings={settings} onChange={change} />;
}
