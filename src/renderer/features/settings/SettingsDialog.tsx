// Settings: the relays this device talks to (main reconnects there; several are tried in turn) and the one it is on
// now, the theme, notifications, media downloads, the window, updates, facts about the account and its linked devices.
import { useId, useState, type FormEvent } from 'react';
import { RelayUrlList, type ConnectionSnapshot } from '../../../shared/ipc';
import { userMessage } from '../../errors';
import { useAccount } from '../../store/account';
import { useConnection } from '../../store/connection';
import { useDialogs } from '../../store/dialogs';
import { useTheme, type ThemeChoice } from '../../store/theme';
import { Dialog } from '../../ui/Dialog';
import { LinkedDevices } from '../devices/LinkedDevices';
import { MediaSettings } from './MediaSettings';
import { NotificationSettings } from './NotificationSettings';
import { UpdateSettings } from './UpdateSettings';
import { BlockedUsers } from '../blocking/BlockedUsers';
import { WindowSettings } from './WindowSettings';
import { ProfileSettings } from '../profiles/ProfileSettings';
import { FormError } from '../../ui/FormError';

const THEMES: { value: ThemeChoice; label: string }[] = [
  { value: 'system', label: 'Match the system' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

export function SettingsDialog() {
  const close = useDialogs((state) => state.close);
  const account = useAccount((state) => state.account);
  const setRelayUrls = useAccount((state) => state.setRelayUrls);
  const connection = useConnection((state) => state.snapshot);
  const theme = useTheme((state) => state.theme);
  const setTheme = useTheme((state) => state.setTheme);
  const savedRelays = account?.relayUrls.join('\n') ?? '';
  const [relay, setRelay] = useState(savedRelays);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const relayId = useId();
  const relayErrorId = useId();
  const relayHintId = useId();

  async function saveRelay(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setSaved(false);
    const parsed = RelayUrlList.safeParse(relay);
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? 'That is not a relay URL.');
      return;
    }
    setBusy(true);
    try {
      await setRelayUrls(parsed.data);
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
          <textarea
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
            aria-describedby={error ? `${relayErrorId} ${relayHintId}` : relayHintId}
            data-autofocus
          />
          <button type="submit" className="button-secondary" disabled={busy || relay.trim() === savedRelays}>
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
        <p id={relayHintId} className="field-hint">
          Change this only if your relay moved. For several relays of one service, put one per line: Parley moves to the
          next when one stops answering.
        </p>
        {connection?.relayUrl && <p className="current-relay">{describeCurrentRelay(connection.state, connection.relayUrl)}</p>}
        <FormError error={error} id={relayErrorId} />
        {saved && (
          <p className="form-success" role="status">
            Relay changed. Reconnecting…
          </p>
        )}
      </form>

      <ProfileSettings />

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

/** Which relay this device is on, or is about to try. */
function describeCurrentRelay(state: ConnectionSnapshot['state'], relayUrl: string): string {
  if (state === 'online') return `Connected to ${relayUrl}`;
  if (state === 'reconnecting') return `Next attempt: ${relayUrl}`;
  if (state === 'offline') return `Not connected (relay: ${relayUrl})`;
  return `Connecting to ${relayUrl}…`;
}
