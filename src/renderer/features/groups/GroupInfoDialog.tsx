// A group's settings: rename it, add and remove members (after a confirmation), make members admins, invite links
// (admins), leave it. Main checks who may do what; its errors (not an admin, unknown user) are shown here.
import { useId, useState, type FormEvent } from 'react';
import { userMessage } from '../../errors';
import { useDialogs } from '../../store/dialogs';
import { useGroups } from '../../store/groups';
import { requireSession } from '../../store/session';
import { PersonAvatar } from '../profiles/PersonAvatar';
import { Dialog } from '../../ui/Dialog';
import { addMembers, leaveGroup, makeAdmin, parseMembers, removeMember, renameGroup } from './actions';
import { groupConversationId } from '../../db/conversations';
import { DisappearingSetting } from '../disappearing/DisappearingSetting';
import { MuteSetting } from '../notifications/MuteSetting';
import { InviteLinks } from './invites/InviteLinks';
import { FormError } from '../../ui/FormError';

export function GroupInfoDialog({ groupId }: { groupId: string }) {
  const close = useDialogs((state) => state.close);
  const group = useGroups((state) => state.groups[groupId]);
  const { me } = requireSession();
  const [name, setName] = useState(group?.name ?? '');
  const [toAdd, setToAdd] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmLeave, setConfirmLeave] = useState(false);
  const [confirmRemove, setConfirmRemove] = useState<string | null>(null);
  const nameId = useId();
  const addId = useId();

  if (!group) {
    return (
      <Dialog title="Group info" onClose={close}>
        <p className="muted">This group is not known on this device.</p>
      </Dialog>
    );
  }
  const isAdmin = group.admins.includes(me);

  async function run(action: () => Promise<void>, success: string) {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      await action();
      setDone(success);
    } catch (failure) {
      setError(userMessage(failure, 'That did not work. Please try again.'));
    } finally {
      setBusy(false);
    }
  }

  const rename = (event: FormEvent) => {
    event.preventDefault();
    void run(() => renameGroup(groupId, name), 'Group renamed.');
  };
  const add = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await addMembers(groupId, parseMembers(toAdd, me));
      setToAdd('');
    }, 'Members added.');
  };

  return (
    <Dialog title={`Group info: ${group.name}`} onClose={close}>
      {!group.active && <p className="notice-inline">You are no longer a member of this group. Its history stays on this device.</p>}
      <form className="inline-form" onSubmit={rename}>
        <label htmlFor={nameId}>Group name</label>
        <div className="input-row">
          <input id={nameId} value={name} onChange={(event) => setName(event.target.value)} maxLength={100} disabled={!group.active} data-autofocus />
          <button type="submit" className="button-secondary" disabled={busy || !group.active || name.trim() === group.name}>
            Rename
          </button>
        </div>
      </form>

      <h3 className="section-title">
        Members <span className="muted">({group.members.length})</span>
      </h3>
      <ul className="member-list">
        {group.members.map((member) => (
          <li key={member}>
            <PersonAvatar username={member} size={28} />
            <span className="member-name">
              {member === me ? `${member} (you)` : member}
              {group.admins.includes(member) && <span className="tag">admin</span>}
            </span>
            {isAdmin && group.active && member !== me &&
              (confirmRemove === member ? (
                <span className="confirm">
                  <span>Remove {member}?</span>
                  <button
                    type="button"
                    className="button-danger-solid"
                    disabled={busy}
                    onClick={() => {
                      setConfirmRemove(null);
                      void run(() => removeMember(groupId, member), `${member} was removed.`);
                    }}
                  >
                    Remove
                  </button>
                  <button type="button" className="button-secondary" onClick={() => setConfirmRemove(null)}>
                    Keep
                  </button>
                </span>
              ) : (
                <span className="member-actions">
                  {!group.admins.includes(member) && (
                    <button type="button" className="button-link" disabled={busy} onClick={() => void run(() => makeAdmin(groupId, member), `${member} is now an admin.`)} aria-label={`Make ${member} an admin`}>
                      Make admin
                    </button>
                  )}
                  <button type="button" className="button-link button-danger" disabled={busy} onClick={() => setConfirmRemove(member)} aria-label={`Remove ${member}`}>
                    Remove
                  </button>
                </span>
              ))}
          </li>
        ))}
      </ul>

      {group.active && (
        <form className="inline-form" onSubmit={add}>
          <label htmlFor={addId}>Add members</label>
          <div className="input-row">
            <input id={addId} value={toAdd} onChange={(event) => setToAdd(event.target.value)} placeholder="usernames, separated by commas" autoComplete="off" spellCheck={false} />
            <button type="submit" className="button-secondary" disabled={busy || toAdd.trim() === ''}>
              Add
            </button>
          </div>
        </form>
      )}

      <FormError error={error} />
      {done && !error && (
        <p className="form-success" role="status">
          {done}
        </p>
      )}

      {isAdmin && group.active && <InviteLinks groupId={groupId} groupName={group.name} />}

      <MuteSetting conversationId={groupConversationId(groupId)} />
      <DisappearingSetting conversationId={groupConversationId(groupId)} canChange={isAdmin && group.active} />

      <div className="dialog-actions dialog-actions-split">
        {group.active ? (
          confirmLeave ? (
            <span className="confirm">
              <span>Leave “{group.name}”?</span>
              <button type="button" className="button-danger-solid" disabled={busy} onClick={() => void run(() => leaveGroup(groupId), 'You left the group.')}>
                Leave
              </button>
              <button type="button" className="button-secondary" onClick={() => setConfirmLeave(false)}>
                Stay
              </button>
            </span>
          ) : (
            <button type="button" className="button-link button-danger" onClick={() => setConfirmLeave(true)}>
              Leave group
            </button>
          )
        ) : (
          <span />
        )}
        <button type="button" className="button-primary" onClick={close}>
          Done
        </button>
      </div>
    </Dialog>
  );
}
