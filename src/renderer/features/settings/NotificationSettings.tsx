// Settings › Notifications: what a new-message notification shows, and whether this system lets Parley show them.
import { useEffect, useState } from 'react';
import type { NotificationPreview } from '../../../shared/ipc';
import { userMessage } from '../../errors';
import { useAppSettings } from '../../store/appSettings';
import { FormError } from '../../ui/FormError';

const PREVIEWS: { value: NotificationPreview; label: string }[] = [
  { value: 'name-and-text', label: 'Name and message' },
  { value: 'name-only', label: 'Name only' },
  { value: 'nothing', label: 'Nothing (just “New message”)' },
];

function permission(): NotificationPermission | 'unsupported' {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

export function NotificationSettings() {
  const preview = useAppSettings((state) => state.settings?.notificationPreview);
  const [allowed, setAllowed] = useState(permission);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const stop = useAppSettings.getState().follow();
    void useAppSettings.getState().load().catch(() => undefined);
    return stop;
  }, []);

  if (!preview) return null;
  return (
    <section aria-labelledby="settings-notifications">
      <h3 className="section-title" id="settings-notifications">
        Notifications
      </h3>
      <fieldset className="theme-picker">
        <legend className="field-hint">A notification for a new message shows</legend>
        {PREVIEWS.map((option) => (
          <label key={option.value} className="radio">
            <input
              type="radio"
              name="notification-preview"
              value={option.value}
              checked={preview === option.value}
              onChange={() => {
                setError(null);
                useAppSettings
                  .getState()
                  .update({ notificationPreview: option.value })
                  .catch((failure: unknown) => setError(userMessage(failure, 'Could not save that. Please try again.')));
              }}
            />
            {option.label}
          </label>
        ))}
      </fieldset>
      {allowed === 'default' && (
        <button type="button" className="button-secondary" onClick={() => void Notification.requestPermission().then(() => setAllowed(permission()))}>
          Allow notifications
        </button>
      )}
      {allowed === 'denied' && <p className="field-hint">Notifications are blocked for Parley in your system settings.</p>}
      <FormError error={error} />
    </section>
  );
}
