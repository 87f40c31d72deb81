// First run: choose a username and a relay; keys are generated in main, never here. Input is checked here
// first (so a typo gets an instant, specific hint); main's errors (name taken, relay unreachable) are shown as
// main words them. "Link to an existing account" leads to the new device's side of linking instead.
import { useId, useState, type FormEvent } from 'react';
import { USERNAME_PATTERN } from '../../../shared/protocol/fields';
import { errorDetails, userMessage } from '../../errors';
import { useAccount } from '../../store/account';
import { USERNAME_HINT } from '../contacts/actions';
import { LinkThisDevice } from '../devices/LinkThisDevice';
import { parseRelayField, useRelayField } from './useRelayField';

type Field = 'username' | 'relayUrl' | 'form';

export function Onboarding() {
  const [linking, setLinking] = useState(false);
  return <main className="onboarding">{linking ? <LinkThisDevice onBack={() => setLinking(false)} /> : <CreateAccount onLink={() => setLinking(true)} />}</main>;
}

function CreateAccount({ onLink }: { onLink(): void }) {
  const create = useAccount((store) => store.create);
  const [username, setUsername] = useState('');
  const [relayUrl, setRelayUrl] = useRelayField();
  const [error, setError] = useState<{ field: Field; text: string; details?: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const usernameId = useId();
  const usernameHintId = useId();
  const relayId = useId();
  const errorId = useId();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const name = username.trim();
    if (!USERNAME_PATTERN.test(name)) {
      setError({ field: 'username', text: USERNAME_HINT });
      return;
    }
    const relays = parseRelayField(relayUrl);
    if ('error' in relays) {
      setError({ field: 'relayUrl', text: relays.error });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await create(name, relays);
    } catch (failure) {
      const text = userMessage(failure, 'Could not create the account. Please try again.');
      const code = failure instanceof Error && 'code' in failure ? String(failure.code) : '';
      const field: Field = code === 'username_taken' || code === 'invalid_username' ? 'username' : code.startsWith('relay') || code === 'invalid_relay_url' ? 'relayUrl' : 'form';
      // Plain words first; the technical cause only on a quieter details line (not for a taken name).
      const details = field === 'username' ? null : errorDetails(failure);
      setError({ field, text, ...(details ? { details } : {}) });
    } finally {
      setBusy(false);
    }
  }

  const describe = (field: Field, extra?: string) => [error?.field === field ? errorId : null, extra].filter(Boolean).join(' ') || undefined;
  return (
    <form className="card onboarding-card" onSubmit={(event) => void submit(event)} noValidate aria-labelledby="onboarding-title">
      <div className="brand-mark" aria-hidden="true">
        P
      </div>
      <h1 id="onboarding-title">Welcome to Parley</h1>
      <p className="muted">Private messages, end-to-end encrypted. Pick a username your friends can find you by.</p>
      <label htmlFor={usernameId}>Username</label>
      <input
        id={usernameId}
        name="username"
        autoComplete="username"
        autoFocus
        value={username}
        onChange={(event) => setUsername(event.target.value)}
        aria-invalid={error?.field === 'username' ? true : undefined}
        aria-describedby={describe('username', usernameHintId)}
        maxLength={32}
        spellCheck={false}
      />
      <p id={usernameHintId} className="field-hint">
        3–32 letters, digits, “_”, “.” or “-”.
      </p>
      <label htmlFor={relayId}>Relay</label>
      <input
        id={relayId}
        name="relayUrl"
        value={relayUrl}
        onChange={(event) => setRelayUrl(event.target.value)}
        spellCheck={false}
        autoComplete="off"
        aria-invalid={error?.field === 'relayUrl' ? true : undefined}
        aria-describedby={describe('relayUrl')}
      />
      {error && (
        <p id={errorId} className="form-error" role="alert">
          {error.text}
          {error.details && <span className="error-details">Details: {error.details}</span>}
        </p>
      )}
      <button type="submit" className="button-primary button-wide" disabled={busy}>
        {busy ? 'Creating your keys…' : 'Create account'}
      </button>
      <p className="onboarding-switch">
        Already use Parley on another computer?{' '}
        <button type="button" className="button-link" onClick={onLink}>
          Link to an existing account
        </button>
      </p>
      <p className="fine-print">Your keys are made and kept on this device. The relay only passes along encrypted messages.</p>
    </form>
  );
}
