// Settings: the relay this device talks to (main reconnects there), the theme, notifications, media downloads, the
// window, updates, facts about the account and its linked devices.
import { useId, useState, type FormEvent } from 'react';
import { RelayUrl } from '../../../shared/ipc';
import { userMessage } from '../../errors';
import { useAccount } from '../../store/account';
import { useDialogs } from '../../store/dialogs';
import { useTheme, type ThemeChoice } from '../../store/theme';
import { Dialog } from '../../ui/Dialog';
import { LinkedDevices } from '../devices/LinkedDevices';
import { MediaSettings } from './MediaSettings';
import { NotificationSettings } from './NotificationSettings';
import { UpdateSettings } from './UpdateSettings';
import { BlockedUsers } from '../blocking/BlockedUsers';
import { WindowSettings } from './WindowSettings';

const THEMES: { value: ThemeChoice; label: string }[] = [
  { value: 'system', label: 'Match the system' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

export function SettingsDialog() {
  const close = useDialogs((state) => state.close);
  const account = useAccount((state) => state.account);
  const setRelayUrl = useAccount((state) => state.setRelayUrl);
  const theme = useTheme((state) => state.theme);
  const setTheme = useTheme((state) => state.setTheme);
  const [relay, setRelay] = useState(account?.relayUrl ?? '');
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const relayId = useId();
  const relayErrorId = useId();

  async function saveRelay(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setSaved(false);
    const parsed = RelayUrl.safeParse(relay);
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? 'That is not a relay URL.');
      return;
    }
    setBusy(true);
    try {
      await setRelayUrl(parsed.data);
      setSaved(true);
    } catch (failure) {
      setError(userMessage(failure, 'Could not change the relay. Please try again.'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog title="Settings" onClose={close}>
      <form onSubmit={(event) => void saveRelay(event)} noValidate>
        <label htmlFor={relayId} className="label-first">
          Relay URL
        </label>
        <div className="input-row">
          <input
            id={relayId}
            value={relay}
            onChange={(event) => {
              setRelay(event.target.value);
              setSaved(false);
              setError(null);
            }}
            spellCheck={false}
            autoComplete="off"
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? relayErrorId : undefined}
            data-autofocus
          />
          <button type="submit" className="button-secondary" disabled={busy || relay.trim() === account?.relayUrl}>
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
        <p className="field-hint">Change this only if your relay moved. Parley reconnects to the new address.</p>
        {error && (
          <p id={relayErrorId} className="form-error" role="alert">
            {error}
          </p>
        )}
        {saved && (
          <p className="form-success" role="status">
            Relay changed. Reconnecting…
          </p>
        )}
      </form>

      <fieldset className="theme-picker">
        <legend className="section-title">Theme</legend>
        {THEMES.map((option) => (
          <label key={option.value} className="radio">
            <input type="radio" name="theme" value={option.value} checked={theme === option.value} onChange={() => setTheme(option.value)} />
            {option.label}
          </label>
        ))}
      </fieldset>

      <NotificationSettings />
      <MediaSettings />
      <WindowSettings />
      <UpdateSettings />
      <BlockedUsers />

      {account && (
        <>
          <h3 className="section-title">Account</h3>
          <dl className="facts">
            <dt>Username</dt>
            <dd>{account.username}</dd>
            <dt>Device</dt>
            <dd>{account.device}</dd>
            <dt>Key protection</dt>
            <dd>{account.keyProtection.osKeychain ? 'Protected by the system keychain' : (account.keyProtection.warning ?? 'Not protected by a keychain')}</dd>
          </dl>
          <LinkedDevices />
        </>
      )}
      <div className="dialog-actions">
        <button type="button" className="button-primary" onClick={close}>
          Done
        </button>
      </div>
    </Dialog>
  );
}
