// Settings: everyone this user blocked, each with Unblock.
import { useContacts } from '../../store/contacts';

export function BlockedUsers() {
  const contacts = useContacts((state) => state.contacts);
  const setBlocked = useContacts((state) => state.setBlocked);
  const blocked = Object.values(contacts)
    .filter((contact) => contact.blocked)
    .map((contact) => contact.username)
    .sort();
  return (
    <>
      <h3 className="section-title">Blocked users</h3>
      {blocked.length === 0 ? (
        <p className="muted small">You have not blocked anyone.</p>
      ) : (
        <ul className="blocked-users" aria-label="Blocked users">
          {blocked.map((username) => (
            <li key={username}>
              <span>{username}</span>
              <button type="button" className="button-secondary" aria-label={`Unblock ${username}`} onClick={() => void setBlocked(username, false).catch(() => undefined)}>
                Unblock
              </button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
