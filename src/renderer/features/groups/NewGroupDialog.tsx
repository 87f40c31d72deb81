// "New group": a name and the members, picked from contacts or typed as usernames.
import { useId, useState, type FormEvent } from 'react';
import { userMessage } from '../../errors';
import { useContacts } from '../../store/contacts';
import { useDialogs } from '../../store/dialogs';
import { requireSession } from '../../store/session';
import { Dialog } from '../../ui/Dialog';
import { createGroup, parseMembers } from './actions';
import { FormError } from '../../ui/FormError';

export function NewGroupDialog() {
  const close = useDialogs((state) => state.close);
  const contacts = useContacts((state) => state.contacts);
  const [name, setName] = useState('');
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [others, setOthers] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const nameId = useId();
  const othersId = useId();
  const othersHintId = useId();
  const errorId = useId();
  const usernames = Object.keys(contacts).sort();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const members = [...new Set([...picked, ...parseMembers(others, requireSession().me)])];
      await createGroup(name, members);
      close();
    } catch (failure) {
      setError(userMessage(failure, 'Could not create the group. Please try again.'));
    } finally {
      setBusy(false);
    }
  }

  const toggle = (username: string) =>
    setPicked((current) => {
      const next = new Set(current);
      if (next.has(username)) next.delete(username);
      else next.add(username);
      return next;
    });

  return (
    <Dialog title="New group" onClose={close} description="The group’s name and members are end-to-end encrypted; the relay never sees them.">
      <form onSubmit={(event) => void submit(event)} noValidate>
        <label htmlFor={nameId}>Group name</label>
        <input id={nameId} value={name} onChange={(event) => setName(event.target.value)} maxLength={100} autoComplete="off" data-autofocus />
        {usernames.length > 0 && (
          <fieldset className="member-picker">
            <legend>Members from your contacts</legend>
            <ul>
              {usernames.map((username) => (
                <li key={username}>
                  <label className="checkbox">
                    <input type="checkbox" checked={picked.has(username)} onChange={() => toggle(username)} />
                    {username}
                  </label>
                </li>
              ))}
            </ul>
          </fieldset>
        )}
        <label htmlFor={othersId}>{usernames.length > 0 ? 'Other usernames' : 'Members'}</label>
        <input
          id={othersId}
          value={others}
          onChange={(event) => setOthers(event.target.value)}
          placeholder="carol, dave"
          autoComplete="off"
          spellCheck={false}
          aria-describedby={othersHintId}
        />
        <p id={othersHintId} className="field-hint">
          Separate usernames with commas or spaces.
        </p>
        <FormError error={error} id={errorId} />
        <div className="dialog-actions">
          <button type="button" className="button-secondary" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="button-primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create group'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
