// First run: choose a username and a relay; keys are generated in main, never here.
import { useEffect, useId, useState, type FormEvent } from 'react';
import { USERNAME_PATTERN } from '../../../shared/protocol/fields';
import { IpcError, invoke } from '../../ipc';
import { useAccount } from '../../store/account';

export function Onboarding() {
  const create = useAccount((store) => store.create);
  const [username, setUsername] = useState('');
  const [relayUrl, setRelayUrl] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const usernameId = useId();
  const relayId = useId();
  const errorId = useId();

  useEffect(() => {
    void invoke('app.info', {}).then((info) => setRelayUrl((current) => current || info.defaultRelayUrl));
  }, []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!USERNAME_PATTERN.test(username)) {
      setError('Usernames are 3–32 letters, digits, "_", "." or "-", starting with a letter or digit.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await create(username, relayUrl);
    } catch (failure) {
      setError(failure instanceof IpcError ? failure.message : 'Could not create the account. Please try again.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="onboarding">
      <form className="card onboarding-card" onSubmit={(event) => void submit(event)} aria-describedby={error ? errorId : undefined}>
        <h1>Welcome to Parley</h1>
        <p className="muted">Private messages, end-to-end encrypted. Pick a username your friends can find you by.</p>
        <label htmlFor={usernameId}>Username</label>
        <input
          id={usernameId}
          name="username"
          autoComplete="username"
          autoFocus
          value={username}
          onChange={(event) => setUsername(event.target.value)}
          aria-invalid={error ? true : undefined}
          maxLength={32}
        />
        <label htmlFor={relayId}>Relay</label>
        <input id={relayId} name="relayUrl" value={relayUrl} onChange={(event) => setRelayUrl(event.target.value)} spellCheck={false} />
        {error && (
          <p id={errorId} className="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="button-primary" disabled={busy}>
          {busy ? 'Creating your keys…' : 'Create account'}
        </button>
      </form>
    </main>
  );
}
