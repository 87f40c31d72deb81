// "Invite links" in a group's info, for its admins: the group's "an admin approves each new member" setting (every
// link follows it), make a link (how long, how many people), show it as a QR code and text to copy, see who waits and let them in or not, revoke it. Every
// admin sees every link of the group (only the device that made one can show it) and the requests that reached
// this device. Main signs the link and is the one that honours or refuses it; this only shows what main reports.
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import type { InviteView } from '../../../../shared/ipc';
import { userMessage } from '../../../errors';
import { invoke, subscribe } from '../../../ipc';
import { useGroups } from '../../../store/groups';
import { QrCode } from './QrCode';
import { EXPIRY_CHOICES, USE_CHOICES, inviteSummary, isLive, madeElsewhereText } from './inviteText';
import { FormError } from '../../../ui/FormError';

export function InviteLinks({ groupId, groupName }: { groupId: string; groupName: string }) {
  const [invites, setInvites] = useState<InviteView[] | null>(null);
  const [hours, setHours] = useState<number>(EXPIRY_CHOICES[2].hours);
  const [uses, setUses] = useState<number>(USE_CHOICES[0].uses);
  const approveNewMembers = useGroups((state) => state.groups[groupId]?.approveNewMembers ?? false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const expiryId = useId();
  const usesId = useId();

  const reload = useCallback(() => {
    invoke('groups.invites', { groupId })
      .then(setInvites)
      .catch((failure: unknown) => setError(userMessage(failure, 'Could not load this group’s invite links.')));
  }, [groupId]);
  useEffect(() => {
    reload();
    const stops = [
      subscribe('groups.invitesChanged', (event) => {
        if (event.groupId === groupId) reload();
      }),
      // Another admin's change (a link made or revoked, someone let in or turned down) arrives as a group change.
      subscribe('groups.changed', (event) => {
        if (event.group.groupId === groupId) reload();
      }),
    ];
    return () => stops.forEach((stop) => stop());
  }, [groupId, reload]);

  async function run(action: () => Promise<unknown>, done: string) {
    setBusy(true);
    setError(null);
    setStatus(null);
    try {
      await action();
      setStatus(done);
      reload();
    } catch (failure) {
      setError(userMessage(failure, 'That did not work. Please try again.'));
    } finally {
      setBusy(false);
    }
  }

  const create = (event: FormEvent) => {
    event.preventDefault();
    void run(() => invoke('groups.createInvite', { groupId, expiresInHours: hours, maxUses: uses }), 'Invite link created.');
  };
  const copy = (link: string | undefined) => {
    if (!link) return;
    navigator.clipboard
      .writeText(link)
      .then(() => setStatus('Link copied.'))
      .catch(() => setError('Could not copy the link. Select it and copy it instead.'));
  };

  const now = Date.now();
  const live = (invites ?? []).filter((invite) => isLive(invite, now));

  return (
    <section aria-labelledby={`${expiryId}-title`} className="invite-links">
      <h3 className="section-title" id={`${expiryId}-title`}>
        Invite links
      </h3>
      <p className="field-hint">Anyone with a link can ask to join “{groupName}” and sees its name and its admins’ names. Revoke a link to stop it working.</p>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={approveNewMembers}
          disabled={busy}
          onChange={(event) => {
            const on = event.target.checked;
            void run(() => useGroups.getState().setApproval(groupId, on), on ? 'An admin now approves each new member.' : 'New members now join at once.');
          }}
        />
        An admin approves each new member (every link)
      </label>
      <form className="invite-form" onSubmit={create}>
        <div className="invite-terms">
          <div>
            <label htmlFor={expiryId}>Valid for</label>
            <select id={expiryId} value={hours} onChange={(event) => setHours(Number(event.target.value))}>
              {EXPIRY_CHOICES.map((choice) => (
                <option key={choice.hours} value={choice.hours}>
                  {choice.label}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor={usesId}>Lets in</label>
            <select id={usesId} value={uses} onChange={(event) => setUses(Number(event.target.value))}>
              {USE_CHOICES.map((choice) => (
                <option key={choice.uses} value={choice.uses}>
                  {choice.label}
                </option>
              ))}
            </select>
          </div>
        </div>
        <button type="submit" className="button-secondary" disabled={busy}>
          Create invite link
        </button>
      </form>

      {live.map((invite) => (
        <article key={invite.inviteId} className="invite-card" aria-label="Invite link">
          {invite.link && <QrCode text={invite.link} label={`QR code of an invite link to ${groupName}`} />}
          <div className="invite-details">
            {invite.link ? (
              <input className="invite-link-text" readOnly value={invite.link} aria-label="Invite link" onFocus={(event) => event.target.select()} />
            ) : (
              <p className="invite-made-elsewhere">{madeElsewhereText(invite.admin)}</p>
            )}
            <p className="field-hint">{inviteSummary(invite, now)}</p>
            <div className="invite-actions">
              {invite.link && (
                <button type="button" className="button-secondary" onClick={() => copy(invite.link)}>
                  Copy link
                </button>
              )}
              <button type="button" className="button-link button-danger" disabled={busy} onClick={() => void run(() => invoke('groups.revokeInvite', { groupId, inviteId: invite.inviteId }), 'Invite link revoked.')}>
                Revoke
              </button>
            </div>
            {invite.requests.length > 0 && (
              <ul className="member-list invite-requests" aria-label="Waiting to join">
                {invite.requests.map((user) => (
                  <li key={user}>
                    <span className="member-name">{user} asks to join</span>
                    <button
                      type="button"
                      className="button-secondary"
                      disabled={busy}
                      onClick={() => void run(() => invoke('groups.answerJoinRequest', { groupId, inviteId: invite.inviteId, user, approve: true }), `${user} was let in.`)}
                    >
                      Let in
                    </button>
                    <button
                      type="button"
                      className="button-link button-danger"
                      disabled={busy}
                      onClick={() => void run(() => invoke('groups.answerJoinRequest', { groupId, inviteId: invite.inviteId, user, approve: false }), `${user} was turned away.`)}
                    >
                      Decline
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </div>
        </article>
      ))}

      <FormError error={error} />
      {status && !error && (
        <p className="form-success" role="status">
          {status}
        </p>
      )}
    </section>
  );
}
