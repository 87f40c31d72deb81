// "New chat": find someone by username. Errors from main (unknown user, offline, ...) are shown as they come.
// A parley://add or chat link opens it prefilled (`fromLink`): nothing is looked up until the user confirms.
import { useId, useState, type FormEvent } from 'react';
import { userMessage } from '../../errors';
import { useDialogs } from '../../store/dialogs';
import { Dialog } from '../../ui/Dialog';
import { startChatWith } from './actions';
import { FormError } from '../../ui/FormError';

export function NewChatDialog({ suggested = '', fromLink = false }: { suggested?: string; fromLink?: boolean }) {
  const close = useDialogs((state) => state.close);
  const [username, setUsername] = useState(suggested);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const fieldId = useId();
  const errorId = useId();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await startChatWith(username);
      close();
    } catch (failure) {
      setError(userMessage(failure, 'Could not start the chat. Please try again.'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog
      title="New chat"
      onClose={close}
      description={
        fromLink
          ? `A link asks to start a chat with “${suggested}”. Start it only if you expected this link.`
          : 'Start an end-to-end encrypted chat with someone on your relay.'
      }
    >
      <form onSubmit={(event) => void submit(event)} noValidate>
        <label htmlFor={fieldId}>Username</label>
        <input
          id={fieldId}
          value={username}
          onChange={(event) => setUsername(event.target.value)}
          placeholder="e.g. bob"
          autoComplete="off"
          spellCheck={false}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          data-autofocus
        />
        <FormError error={error} id={errorId} />
        <div className="dialog-actions">
          <button type="button" className="button-secondary" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="button-primary" disabled={busy}>
            {busy ? 'Looking them up…' : 'Start chat'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
