// One message: own on the right, others on the left (with the sender's name in groups), time and status,
// and for a failed send the reason and a retry. A reply shows its quote, an edited message says so, a message
// deleted for everyone is a tombstone. Its actions — react, reply, copy, forward, info, edit, delete — are on a
// toolbar that shows on hover or focus, in a menu (right click, Enter or Shift+F10), and on keys while the message is
// selected. Delete for everyone asks first.
import { memo, useCallback, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { canChangeForEveryone } from '../../db/actions';
import type { StoredMessage } from '../../db/rows';
import { screenWork } from '../../db/screenWork';
import { isFailedElsewhere } from '../../db/unsentElsewhere';
import { useDialogs } from '../../store/dialogs';
import { useMessageActions } from '../../store/messageActions';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { Icon } from '../../ui/Icon';
import { formatFullDate, formatTime } from '../../ui/time';
import { isSingleEmoji } from '../../../shared/conversations/messageRules';
import { EmojiPicker } from '../emoji/EmojiPicker';
import { MessageAttachments } from '../media/MessageAttachments';
import { useDisplayName } from '../profiles/PersonAvatar';
import { retrySend } from '../../sync/outbox/actions';
import { LinkifiedText } from './LinkifiedText';
import { copyText, react, remove } from './messageActions';
import { MessageMenu, type MenuAction } from './MessageMenu';
import { QuotedMessage } from './QuotedMessage';
import { Reactions } from './Reactions';
import { DeletePending } from './DeletePending';
import { jumboEmojiCount } from './jumboEmoji';
import { StatusTick } from './StatusTick';
import { useMentionable } from './useMentionable';

/** What stands in for a body Parley cannot show (the row keeps what arrived; see db/rows.ts). */
const NOTICES: Record<NonNullable<StoredMessage['notice']>, string> = {
  needs_newer_version: 'This message needs a newer version of Parley.',
  unreadable: 'This message could not be read: it arrived damaged.',
};

interface MessageBubbleProps {
  message: StoredMessage;
  showSender: boolean;
  continued: boolean;
  me: string;
}

/** Where the menu opens and what it shows: the quick reactions, the actions, or both. */
interface Menu {
  x: number;
  y: number;
  show: 'reactions' | 'actions' | 'both';
}

/** The actions a message offers now, in menu order. Delete for everyone only asks first (`confirmDeleteForEveryone`). */
function actionsFor(message: StoredMessage, me: string, confirmDeleteForEveryone: () => void): MenuAction[] {
  const { reply, edit } = useMessageActions.getState();
  const actions: MenuAction[] = [];
  const readable = !message.deleted && message.notice === undefined;
  if (!message.deleted) actions.push({ id: 'reply', label: 'Reply', shortcut: 'R', run: () => reply(message) });
  if (readable) actions.push({ id: 'copy', label: 'Copy text', shortcut: 'C', run: () => screenWork('chat.copy_failed', copyText(message)) });
  if (readable && message.direction !== 'system' && (message.attachments?.length || message.body)) {
    actions.push({ id: 'forward', label: 'Forward…', shortcut: 'F', run: () => useDialogs.getState().show({ kind: 'forward', message }) });
  }
  if (message.direction !== 'system') actions.push({ id: 'info', label: 'Info', shortcut: 'I', run: () => useDialogs.getState().show({ kind: 'messageInfo', message }) });
  const mine = canChangeForEveryone(message, me);
  if (mine) actions.push({ id: 'edit', label: 'Edit', shortcut: 'E', run: () => edit(message) });
  actions.push({ id: 'delete-me', label: 'Delete for me', shortcut: 'Delete', danger: true, run: () => screenWork('chat.delete_failed', remove(message, false)) });
  if (mine) {
    actions.push({ id: 'delete-all', label: 'Delete for everyone', shortcut: 'Shift+Delete', danger: true, run: confirmDeleteForEveryone });
  }
  return actions;
}

export const MessageBubble = memo(function MessageBubble({ message, showSender, continued, me }: MessageBubbleProps) {
  const own = message.direction === 'out';
  const failed = message.status === 'failed';
  const senderName = useDisplayName(message.sender) ?? message.sender;
  const element = useRef<HTMLDivElement>(null);
  const [menu, setMenu] = useState<Menu | null>(null);
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const [reactionPicker, setReactionPicker] = useState<DOMRect | null>(null);
  const askDeleteForEveryone = useCallback(() => setConfirmingDelete(true), []);
  const closeMenu = useCallback(() => {
    setMenu(null);
    element.current?.focus({ preventScroll: true });
  }, []);
  const closeReactionPicker = useCallback(() => {
    setReactionPicker(null);
    element.current?.focus({ preventScroll: true });
  }, []);
  const toggle = (emoji: string) => screenWork('chat.react_failed', react(message, emoji));
  const canReact = !message.deleted;
  const isMember = useMentionable(message.conversationId);
  const mentions = useMemo(() => ({ isMember, me }), [isMember, me]);
  const jumbo = useMemo(() => (message.body && !message.attachments?.length ? jumboEmojiCount(message.body) : 0), [message.body, message.attachments]);

  const openBeside = (anchor: HTMLElement, show: Menu['show']) => {
    const rect = anchor.getBoundingClientRect();
    setMenu({ x: own ? rect.right - 260 : rect.left, y: rect.bottom + 4, show });
  };

  function onContextMenu(event: MouseEvent<HTMLDivElement>) {
    event.preventDefault();
    setMenu({ x: event.clientX, y: event.clientY, show: 'both' });
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.target !== event.currentTarget || event.altKey || event.ctrlKey || event.metaKey) return;
    const key = event.key.toLowerCase();
    const action = (id: string) => actionsFor(message, me, askDeleteForEveryone).find((candidate) => candidate.id === id);
    let chosen: MenuAction | undefined;
    if (event.key === 'Enter' || event.key === 'ContextMenu' || (event.key === 'F10' && event.shiftKey)) {
      event.preventDefault();
      openBeside(event.currentTarget, 'both');
      return;
    }
    if (key === 'r') chosen = action('reply');
    else if (key === 'e') chosen = action('edit');
    else if (key === 'c') chosen = action('copy');
    else if (key === 'f') chosen = action('forward');
    else if (key === 'i') chosen = action('info');
    else if (event.key === 'Delete') chosen = action(event.shiftKey ? 'delete-all' : 'delete-me');
    if (!chosen) return;
    event.preventDefault();
    chosen.run();
  }

  return (
    <div
      ref={element}
      className={`message ${own ? 'message-own' : 'message-other'}${continued ? ' message-continued' : ''}`}
      data-message-id={message.messageId}
      data-sender={message.sender}
      tabIndex={-1}
      aria-label={`${own ? 'You' : message.sender}, ${formatTime(message.timestamp)}`}
      onContextMenu={onContextMenu}
      onKeyDown={onKeyDown}
    >
      <div className="message-line">
        <div className={`bubble${failed ? ' bubble-failed' : ''}${message.deleted ? ' bubble-deleted' : ''}${message.attachments?.length && !message.deleted ? ' bubble-media' : ''}`}>
          {showSender && (
            <div className="message-sender">
              <bdi>{senderName}</bdi>
              {senderName !== message.sender && <span className="message-sender-username"> @{message.sender}</span>}
            </div>
          )}
          {message.forwarded && !message.deleted && (
            <div className="message-forwarded">
              <Icon name="forward" size={12} />
              Forwarded
            </div>
          )}
          {message.quote && !message.deleted && <QuotedMessage conversationId={message.conversationId} quote={message.quote} me={me} />}
          {message.deleted ? (
            <div className="message-body message-notice">This message was deleted.</div>
          ) : message.notice ? (
            <div className="message-body message-notice" role="note">
              {NOTICES[message.notice]}
            </div>
          ) : (
            <>
              {message.attachments?.length ? <MessageAttachments attachments={message.attachments} conversationId={message.conversationId} seq={message.seq} /> : null}
              {message.body && (
                <div className={`message-body${jumbo ? ' message-body-jumbo' : ''}`} data-jumbo={jumbo || undefined} dir="auto">
                  <LinkifiedText text={message.body} mentions={mentions} />
                </div>
              )}
            </>
          )}
          <div className="message-meta">
            {message.expireTimerSeconds !== undefined && <Icon name="clock" size={12} label="Disappearing message" />}
            {message.editedAt !== undefined && !message.deleted && <span className="message-edited">edited</span>}
            <time dateTime={new Date(message.timestamp).toISOString()} title={formatFullDate(message.timestamp)}>
              {formatTime(message.timestamp)}
            </time>
            {own && message.status && !message.deleted && <StatusTick status={message.status} />}
            {own && message.deleted && <DeletePending message={message} />}
          </div>
        </div>
        <div className="message-toolbar" role="toolbar" aria-label="Message actions">
          {canReact && (
            <button type="button" className="icon-button" aria-label="React" title="React" onClick={(event) => openBeside(event.currentTarget, 'reactions')}>
              <Icon name="smile" size={16} />
            </button>
          )}
          {!message.deleted && (
            <button type="button" className="icon-button" aria-label="Reply" title="Reply (R)" onClick={() => useMessageActions.getState().reply(message)}>
              <Icon name="reply" size={16} />
            </button>
          )}
          <button type="button" className="icon-button" aria-label="More actions" title="More actions" onClick={(event) => openBeside(event.currentTarget, 'actions')}>
            <Icon name="more" size={16} />
          </button>
        </div>
      </div>
      {!message.deleted && <Reactions message={message} me={me} onToggle={toggle} />}
      {failed && (
        <div className="message-failure">
          <span>{message.failure?.message ?? 'This message could not be sent.'}</span>
          {!isFailedElsewhere(message) && (
            <button type="button" className="button-link" onClick={() => void retrySend(message)}>
              Retry
            </button>
          )}
        </div>
      )}
      {menu && (
        <MessageMenu
          at={menu}
          actions={menu.show === 'reactions' ? [] : actionsFor(message, me, askDeleteForEveryone)}
          myReaction={message.reactions?.[me]?.emoji}
          {...(canReact && menu.show !== 'actions' ? { onReact: toggle, onMoreReactions: setReactionPicker } : {})}
          onClose={closeMenu}
        />
      )}
      {reactionPicker && (
        <EmojiPicker
          label="React with an emoji"
          anchor={reactionPicker}
          accept={isSingleEmoji}
          onPick={(emoji) => {
            closeReactionPicker();
            toggle(emoji);
          }}
          onClose={closeReactionPicker}
        />
      )}
      {confirmingDelete && (
        <ConfirmDialog
          title="Delete for everyone?"
          description="The message is removed from this chat on every device, yours and theirs. This cannot be undone."
          confirmLabel="Delete for everyone"
          onConfirm={() => screenWork('chat.delete_failed', remove(message, true))}
          onClose={() => setConfirmingDelete(false)}
        />
      )}
    </div>
  );
});
