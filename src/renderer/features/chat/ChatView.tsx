// The open chat: header, identity notice, virtualized history, typing indicator and composer (or why there is none:
// a group left, a person blocked).
// Mounted once per conversation (keyed), so the unread divider is where the user left off when opening it.
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState } from 'react';
import { dmPeer, groupIdOf } from '../../db/conversations';
import { screenWork } from '../../db/screenWork';
import { useChats } from '../../store/chats';
import { useContacts } from '../../store/contacts';
import { useGroups } from '../../store/groups';
import { requireSession } from '../../store/session';
import { BlockedNotice } from '../blocking/BlockedNotice';
import { Composer } from '../composer/Composer';
import { useFileDrop } from '../media/useFileDrop';
import { ChatSearchBar } from '../search/ChatSearchBar';
import { ChatHeader } from './ChatHeader';
import { IdentityNotice } from './IdentityNotice';
import { MessageList } from './MessageList';
import { TypingIndicator } from './TypingIndicator';

export function ChatView({ conversationId }: { conversationId: string }) {
  const { db, me } = requireSession();
  const conversation = useLiveQuery(() => db.conversations.get(conversationId), [db, conversationId]);
  const peer = dmPeer(conversationId);
  const groupId = groupIdOf(conversationId);
  const contact = useContacts((state) => (peer ? state.contacts[peer] : undefined));
  const group = useGroups((state) => (groupId ? state.groups[groupId] : undefined));
  const [openAtReadSeq, setOpenAtReadSeq] = useState<number | null>(null);
  const [dividerHidden, setDividerHidden] = useState(false);
  const [followSignal, setFollowSignal] = useState(0);
  const [searching, setSearching] = useState(false);
  const focus = useChats((state) => (state.focus?.conversationId === conversationId ? state.focus : null));

  useEffect(() => {
    let current = true;
    screenWork('chat.open_failed', db.conversations.get(conversationId).then((row) => current && setOpenAtReadSeq(row?.lastReadSeq ?? 0)));
    return () => {
      current = false;
    };
  }, [db, conversationId]);

  const title = group?.name ?? conversation?.title ?? peer ?? 'Chat';
  const canWrite = !group || group.active;
  const drop = useFileDrop(conversationId, canWrite);
  return (
    <section className="chat-view" aria-label={`Chat with ${title}`} {...drop.handlers}>
      {drop.dragging && (
        <div className="drop-hint" aria-hidden>
          Drop files to send them to {title}
        </div>
      )}
      <ChatHeader title={title} peer={peer} contact={contact} group={group} onSearch={() => setSearching(true)} />
      {searching && <ChatSearchBar conversationId={conversationId} onClose={() => setSearching(false)} />}
      {contact?.identityChanged && peer && <IdentityNotice username={peer} />}
      <MessageList
        db={db}
        conversationId={conversationId}
        title={title}
        isGroup={groupId !== null}
        me={me}
        openAtReadSeq={openAtReadSeq}
        dividerAfterSeq={dividerHidden ? Infinity : (openAtReadSeq ?? Infinity)}
        followSignal={followSignal}
        focus={focus}
      />
      <TypingIndicator conversationId={conversationId} />
      {contact?.blocked && peer ? (
        <BlockedNotice username={peer} />
      ) : canWrite ? (
        <Composer
          conversationId={conversationId}
          title={title}
          onSent={() => {
            setDividerHidden(true);
            setFollowSignal((signal) => signal + 1);
          }}
        />
      ) : (
        <p className="composer-closed">You are no longer a member of this group, so you cannot send messages here.</p>
      )}
    </section>
  );
}
