// In place of the composer in a chat with someone this user blocked: what that means, and a way back.
import { useState } from 'react';
import { userMessage } from '../../errors';
import { useContacts } from '../../store/contacts';

export function BlockedNotice({ username }: { username: string }) {
  const setBlocked = useContacts((state) => state.setBlocked);
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="composer-closed blocked-notice" role="status">
      <span>You blocked {username}. Their messages are dropped unread and they get nothing from you.</span>{' '}
      <button type="button" className="button-link" onClick={() => setBlocked(username, false).catch((failure: unknown) => setError(userMessage(failure, 'Could not unblock. Please try again.')))}>
        Unblock
      </button>
      {error && <span className="form-error"> {error}</span>}
    </div>
  );
}
