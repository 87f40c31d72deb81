// Settings › Updates: this version, stable or beta, what the updater is doing, and "Check for updates".
import { useEffect, useState } from 'react';
import type { UpdateChannel } from '../../../shared/ipc';
import { userMessage } from '../../errors';
import { useAppSettings } from '../../store/appSettings';
import { useUpdates } from '../../store/updates';
import { updateStatusText } from '../updates/updateWording';
import { FormError } from '../../ui/FormError';

const CHANNELS: { value: UpdateChannel; label: string; hint: string }[] = [
  { value: 'stable', label: 'Stable', hint: 'Tested releases.' },
  { value: 'beta', label: 'Beta', hint: 'New versions first; they may have more bugs.' },
];

export function UpdateSettings() {
  const view = useUpdates((state) => state.view);
  const chosen = useAppSettings((state) => state.settings?.updateChannel);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const stop = useUpdates.getState().follow();
    void useUpdates.getState().load().catch(() => undefined);
    return stop;
  }, []);

  if (!view) return null;
  const { status } = view;
  const busy = status.state === 'checking' || status.state === 'available' || status.state === 'downloading' || status.state === 'verifying';
  const disabled = status.state === 'disabled';
  const run = (work: () => Promise<unknown>) => {
    setError(null);
    void work().catch((failure: unknown) => setError(userMessage(failure, 'That did not work. Please try again.')));
  };

  return (
    <section aria-labelledby="settings-updates">
      <h3 className="section-title" id="settings-updates">
        Updates
      </h3>
      <p className="field-hint">
        Parley {view.currentVersion}. {updateStatusText(status)}
      </p>
      {!disabled && (
        <fieldset className="theme-picker">
          <legend className="visually-hidden">Update channel</legend>
          {CHANNELS.map((channel) => (
            <label key={channel.value} className="radio" title={channel.hint}>
              <input
                type="radio"
                name="update-channel"
                value={channel.value}
                checked={(chosen ?? view.channel) === channel.value}
                onChange={() => run(() => useAppSettings.getState().update({ updateChannel: channel.value }))}
              />
              {channel.label}
            </label>
          ))}
        </fieldset>
      )}
      <div className="input-row">
        {status.state === 'ready' ? (
          <button type="button" className="button-primary" onClick={() => run(() => useUpdates.getState().restart())}>
            Restart to update
          </button>
        ) : (
          <button type="button" className="button-secondary" disabled={disabled || busy} onClick={() => run(() => useUpdates.getState().check())}>
            {busy ? 'Checking…' : 'Check for updates'}
          </button>
        )}
      </div>
      <FormError error={error} />
    </section>
  );
}
