// Settings › Window (desktop app only): start minimised to the tray, and keep running in the tray when the window
// is closed.
import { useState } from 'react';
import type { AppSettings } from '../../../shared/ipc';
import { userMessage } from '../../errors';
import { useDesktopShell } from '../../app/useDesktopShell';
import { useAppSettings } from '../../store/appSettings';
import { FormError } from '../../ui/FormError';

const OPTIONS: { key: 'startMinimised' | 'closeToTray'; label: string }[] = [
  { key: 'startMinimised', label: 'Start minimised to the tray' },
  { key: 'closeToTray', label: 'Keep Parley running in the tray when the window is closed' },
];

export function WindowSettings() {
  const settings = useAppSettings((state) => state.settings);
  const desktop = useDesktopShell();
  const [error, setError] = useState<string | null>(null);

  if (!desktop || !settings) return null;
  const change = (key: keyof AppSettings, value: boolean) => {
    setError(null);
    useAppSettings
      .getState()
      .update({ [key]: value })
      .catch((failure: unknown) => setError(userMessage(failure, 'Could not save that. Please try again.')));
  };
  return (
    <section aria-labelledby="settings-window">
      <h3 className="section-title" id="settings-window">
        Window
      </h3>
      {OPTIONS.map((option) => (
        <label key={option.key} className="checkbox">
          <input type="checkbox" checked={settings[option.key]} onChange={(event) => change(option.key, event.target.checked)} />
          {option.label}
        </label>
      ))}
      <FormError error={error} />
    </section>
  );
}
