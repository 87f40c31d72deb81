// Opened by a parley://join/<token> link: says what the link claims (group, admin, expiry) as main read it, and
// asks before anything is sent. After "Ask to join" it waits for the admin's device: the group arriving (then it
// opens the chat) or an answer (waiting for approval, or why not).
import { useEffect, useState } from 'react';
import type { InvitePreview } from '../../../../shared/ipc';
import { ensureConversation, groupConversationId } from '../../../db/conversations';
import { userMessage } from '../../../errors';
import { invoke, subscribe } from '../../../ipc';
import { useChats } from '../../../store/chats';
import { useDialogs } from '../../../store/dialogs';
import { useGroups } from '../../../store/groups';
import { requireSession } from '../../../store/session';
import { Dialog } from '../../../ui/Dialog';
import { expiryText, outcomeText, pendingJoinText } from './inviteText';
import { FormError } from '../../../ui/FormError';

type Phase = { kind: 'reading' } | { kind: 'ready' } | { kind: 'asking' } | { kind: 'waiting'; text: string } | { kind: 'refused'; text: string };

export function JoinGroupDialog({ token }: { token: string }) {
  const close = useDialogs((state) => state.close);
  const { me } = requireSession();
  const [preview, setPreview] = useState<InvitePreview | null>(null);
  const [phase, setPhase] = useState<Phase>({ kind: 'reading' });
  const [error, setError] = useState<string | null>(null);
  const joined = useGroups((state) => (preview ? state.groups[preview.groupId] : undefined));
  const isMember = joined?.active === true && joined.members.includes(me);

  useEffect(() => {
    let stopped = false;
    invoke('groups.previewInvite', { token })
      .then(async (read) => {
        // Asked before (maybe before a restart) and not settled: still waiting, not asking again.
        const asked = (await invoke('groups.pendingJoins', {})).find((join) => join.groupId === read.groupId && join.inviter === read.inviter);
        if (stopped) return;
        setPreview(read);
        setPhase(asked ? { kind: 'waiting', text: pendingJoinText(asked) } : { kind: 'ready' });
      })
      .catch((failure: unknown) => !stopped && setPhase({ kind: 'refused', text: userMessage(failure, 'This invite link cannot be read.') }));
    return () => {
      stopped = true;
    };
  }, [token]);

  useEffect(() => {
    if (!preview) return;
    return subscribe('groups.joinAnswered', (answer) => {
      if (answer.groupId !== preview.groupId) return;
      const { text, final } = outcomeText(answer.outcome);
      setPhase(final ? { kind: 'refused', text } : { kind: 'waiting', text });
    });
  }, [preview]);

  const openChat = async () => {
    if (!preview) return;
    const { db } = requireSession();
    const conversationId = groupConversationId(preview.groupId);
    await ensureConversation(db, conversationId, joined?.name ?? preview.groupName, Date.now());
    close();
    useChats.getState().select(conversationId);
  };

  const ask = () => {
    setError(null);
    setPhase({ kind: 'asking' });
    invoke('groups.join', { token })
      .then(() => setPhase((current) => (current.kind === 'asking' ? { kind: 'waiting', text: 'Asked the group’s admins to let you in…' } : current)))
      .catch((failure: unknown) => {
        setPhase({ kind: 'ready' });
        setError(userMessage(failure, 'Could not ask to join. Please try again.'));
      });
  };

  return (
    <Dialog title={preview ? `Join “${preview.groupName}”?` : 'Join a group'} onClose={close} className="join-dialog">
      {preview && (
        <div className="join-summary">
          <p>
            <bdi>{preview.inviter}</bdi> invited you to the group <strong><bdi>{preview.groupName}</bdi></strong>.
          </p>
          <p className="field-hint">
            {expiryText(preview.expiresAt, Date.now())}
            {preview.approval ? ' · an admin lets each person in' : ''}
          </p>
          {phase.kind !== 'refused' && !isMember && (
            <p className="field-hint">Asking sends your username to {preview.inviter}’s Parley. Nothing is sent until you choose “Ask to join”.</p>
          )}
        </div>
      )}
      {phase.kind === 'reading' && <p className="muted">Reading the link…</p>}
      {(isMember || preview?.alreadyMember) && (
        <p className="form-success" role="status">
          You are in this group.
        </p>
      )}
      {!isMember && (phase.kind === 'waiting' || phase.kind === 'asking') && (
        <p className="notice-inline" role="status">
          {phase.kind === 'asking' ? 'Asking…' : phase.text}
        </p>
      )}
      <FormError error={phase.kind === 'refused' ? phase.text : null} />
      <FormError error={error} />
      <div className="dialog-actions">
        <button type="button" className="button-secondary" onClick={close}>
          {isMember || phase.kind === 'refused' ? 'Close' : 'Cancel'}
        </button>
        {isMember || preview?.alreadyMember ? (
          <button type="button" className="button-primary" onClick={() => void openChat()} data-autofocus>
            Open the group
          </button>
        ) : (
          phase.kind !== 'refused' && (
            <button type="button" className="button-primary" disabled={phase.kind !== 'ready'} onClick={ask} data-autofocus>
              Ask to join
            </button>
          )
        )}
      </div>
    </Dialog>
  );
}
