// Forward a message to another chat: type part of a name, arrows to choose, Enter (or a click) sends it as a new,
// forwarded message of this user's in that chat (forwardMessage.ts) and opens it. Not to a blocked person or a group
// this user left.
import { useState } from 'react';
import type { ChatSummary } from '../../db/conversations';
import { dmPeer } from '../../db/conversations';
import type { StoredMessage } from '../../db/rows';
import { userMessage } from '../../errors';
import { useChats } from '../../store/chats';
import { useContacts } from '../../store/contacts';
import { useDialogs } from '../../store/dialogs';
import { useGroups } from '../../store/groups';
import { Dialog } from '../../ui/Dialog';
import { ChatPicker } from '../chats/ChatPicker';
import { useChatSummaries } from '../chats/useChatSummaries';
import { forwardMessage } from './forwardMessage';
import { FormError } from '../../ui/FormError';

export function ForwardDialog({ message }: { message: StoredMessage }) {
  const close = useDialogs((state) => state.close);
  const select = useChats((state) => state.select);
  const contacts = useContacts((state) => state.contacts);
  const groups = useGroups((state) => state.groups);
  const summaries = useChatSummaries();
  const [error, setError] = useState<string | null>(null);
  const writable = (chat: ChatSummary) => {
    const peer = dmPeer(chat.conversation.id);
    if (peer) return !contacts[peer]?.blocked;
    const group = groups[chat.conversation.id.slice('group:'.length)];
    return group?.active ?? false;
  };

  const forward = (conversationId: string) => {
    forwardMessage(message, conversationId).then(
      () => {
        close();
        select(conversationId);
      },
      (failure: unknown) => setError(userMessage(failure, 'Parley could not forward this message. Please try again.')),
    );
  };

  return (
    <Dialog title="Forward message" onClose={close} className="forward-dialog">
      <blockquote className="forward-preview" dir="auto">
        {message.body || filesLabel(message.attachments?.length ?? 0)}
      </blockquote>
      <ChatPicker label="Forward to" chats={summaries?.filter(writable)} onChoose={forward} emptyText={() => 'No chat matches.'} />
      <FormError error={error} />
    </Dialog>
  );
}

function filesLabel(count: number): string {
  return count === 1 ? '1 file' : `${count} files`;
}
