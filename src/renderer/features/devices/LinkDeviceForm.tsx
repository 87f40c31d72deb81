// "Link a device" on the primary: paste the code the new device shows, confirm the name main reads from it and choose
// how much history goes along, then link (main certifies the device and sends it the account's secrets, and the
// history archive, through the relay; docs/security.md §18). Main parses and checks the code; this only passes the
// text along, reads the history from this device's database for main, and shows what main answers.
import { useId, useState, type FormEvent } from 'react';
import type { DeviceView } from '../../../shared/ipc';
import { userMessage } from '../../errors';
import { invoke } from '../../ipc';
import { requireSession } from '../../store/session';
import { exportForLink } from './exportForLink';
import { HistoryChoiceField, historySince, type HistoryChoice } from './HistoryChoiceField';
import { FormError } from '../../ui/FormError';

export function LinkDeviceForm({ onLinked, onCancel }: { onLinked(device: DeviceView): void; onCancel(): void }) {
  const [code, setCode] = useState('');
  const [preview, setPreview] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [history, setHistory] = useState<HistoryChoice>({ kind: 'everything' });
  const [preparing, setPreparing] = useState<number | null>(null);
  const codeId = useId();
  const errorId = useId();

  async function run(action: () => Promise<void>, fallback: string) {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError(userMessage(failure, fallback));
    } finally {
      setBusy(false);
    }
  }

  const check = (event: FormEvent) => {
    event.preventDefault();
    if (code.trim() === '') {
      setError('Paste the code the new device shows.');
      return;
    }
    void run(async () => setPreview((await invoke('devices.previewLink', { code })).name), 'Could not read that code. Copy it again from the new device.');
  };
  const link = () =>
    void run(async () => {
      const since = historySince(history, Date.now());
      let exportId: string | undefined;
      if (since !== undefined) {
        setPreparing(0);
        try {
          exportId = await exportForLink(requireSession().db, since, (read, total) => setPreparing(total === 0 ? 100 : Math.floor((read / total) * 100)));
        } finally {
          setPreparing(null);
        }
      }
      onLinked(await invoke('devices.link', { code, ...(exportId === undefined ? {} : { history: exportId }) }));
    }, 'Could not link the device. Please try again.');

  if (preview !== null) {
    return (
      <div className="link-device-form" role="group" aria-label="Confirm the new device">
        <p>
          Link “<strong>{preview}</strong>” to your account? It will receive your messages from now on and can send as you. Link only a device you own and
          can see right now.
        </p>
        <HistoryChoiceField choice={history} onChange={setHistory} disabled={busy} />
        <FormError error={error} />
        <div className="confirm">
          <button type="button" className="button-primary" disabled={busy} onClick={link} autoFocus>
            {preparing !== null ? `Preparing history… ${preparing}%` : busy ? 'Linking…' : 'Link device'}
          </button>
          <button type="button" className="button-secondary" disabled={busy} onClick={onCancel}>
            Cancel
          </button>
        </div>
      </div>
    );
  }

  return (
    <form className="link-device-form" onSubmit={check} noValidate>
      <label htmlFor={codeId} className="label-first">
        Code from the new device
      </label>
      <div className="input-row">
        <input
          id={codeId}
          value={code}
          onChange={(event) => {
            setCode(event.target.value);
            setError(null);
          }}
          placeholder="parley-link:1:…"
          spellCheck={false}
          autoComplete="off"
          autoFocus
          maxLength={512}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
        />
        <button type="submit" className="button-secondary" disabled={busy}>
          Continue
        </button>
        <button type="button" className="button-link" onClick={onCancel}>
          Cancel
        </button>
      </div>
      <p className="field-hint">On the new device choose “Link to an existing account”; it shows this code.</p>
      <FormError error={error} id={errorId} />
    </form>
  );
}
