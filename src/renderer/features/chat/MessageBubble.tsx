// One message: own on the right, others on the left (with the sender's name in groups), time and status,
// and for a failed send the reason and a retry.
import { memo } from 'react';
import type { StoredMessage } from '../../db/rows';
import { formatTime } from '../../ui/time';
import { MessageAttachments } from '../media/MessageAttachments';
import { retrySend } from '../outbox/actions';
import { LinkifiedText } from './LinkifiedText';
import { StatusTick } from './StatusTick';

/** What stands in for a body Parley cannot show (the row keeps what arrived; see db/rows.ts). */
const NOTICES: Record<NonNullable<StoredMessage['notice']>, string> = {
  needs_newer_version: 'This message needs a newer version of Parley.',
  unreadable: 'This message could not be read: it arrived damaged.',
};

interface MessageBubbleProps {
  message: StoredMessage;
  showSender: boolean;
  continued: boolean;
}

export const MessageBubble = memo(function MessageBubble({ message, showSender, continued }: MessageBubbleProps) {
  const own = message.direction === 'out';
  const failed = message.status === 'failed';
  return (
    <div className={`message ${own ? 'message-own' : 'message-other'}${continued ? ' message-continued' : ''}`} data-message-id={message.messageId}>
      <div className={`bubble${failed ? ' bubble-failed' : ''}${message.attachments?.length ? ' bubble-media' : ''}`}>
        {showSender && <div className="message-sender">{message.sender}</div>}
        {message.notice ? (
          <div className="message-body message-notice" role="note">
            {NOTICES[message.notice]}
          </div>
        ) : (
          <>
            {message.attachments?.length ? <MessageAttachments attachments={message.attachments} conversationId={message.conversationId} seq={message.seq} /> : null}
            {message.body && (
              <div className="message-body">
                <LinkifiedText text={message.body} />
              </div>
            )}
          </>
        )}
        <div className="message-meta">
          <time dateTime={new Date(message.timestamp).toISOString()}>{formatTime(message.timestamp)}</time>
          {own && message.status && <StatusTick status={message.status} />}
        </div>
      </div>
      {failed && (
        <div className="message-failure">
          <span>{message.failure?.message ?? 'This message could not be sent.'}</span>
          <button type="button" className="button-link" onClick={() => void retrySend(message)}>
            Retry
          </button>
        </div>
      )}
    </div>
  );
});
