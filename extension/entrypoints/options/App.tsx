import { useEffect, useState } from 'preact/hooks';
import { readSettings, writeSettings, type Settings, type SettingsArea } from '../../lib/settings';
import { OptionsView } from '../../ui/options-view';

/** Reads the settings from `area` (browser.storage.sync) and writes each change at once. */
export function App({ area }: { area: SettingsArea }) {
  const [settings, setSettings] = useState<Settings | null>(null);
  useEffect(() => {
    void readSettings(area).then(setSettings);
  }, [area]);
  const change = (patch: Partial<Settings>) => {
    setSettings((current) => (current ? { ...current, ...patch } : current));
    void writeSettings(area, patch).then(setSettings);
  };
  return <OptionsView settings={settings} onChange={change} />;
}
