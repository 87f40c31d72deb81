// The quote at the top of a reply: who wrote the original and what it says now (an edit shows, a deleted or
// disappeared original says so), falling back to the snippet the reply carried. Clicking it shows the original.
import { useLiveQuery } from 'dexie-react-hooks';
import type { Quote } from '../../../shared/ipc';
import type { StoredMessage } from '../../db/rows';
import { requireSession } from '../../store/session';
import { useMessageActions } from '../../store/messageActions';
import { EmojiSafeText } from '../emoji/EmojiSafeText';

export function QuotedMessage({ conversationId, quote, me }: { conversationId: string; quote: Quote; me: string }) {
  const { db } = requireSession();
  const original = useLiveQuery(
    () => db.messages.where('[conversationId+messageId+sender]').equals([conversationId, quote.messageId, quote.author]).first() as Promise<StoredMessage | undefined>,
    [db, conversationId, quote.messageId, quote.author],
    null,
  );
  const jumpTo = useMessageActions((state) => state.jumpTo);
  const gone = original === undefined || original?.deleted;
  const text = original && !original.deleted ? original.body : quote.text;
  const author = quote.author === me ? 'You' : quote.author;
  return (
    <button
      type="button"
      className="message-quote"
      onClick={() => jumpTo(conversationId, quote.messageId, quote.author)}
      aria-label={`Reply to ${author}: ${gone ? 'original message not available' : text}. Show the original`}
      disabled={gone}
    >
      <span className="message-quote-author">{author}</span>
      <span className="message-quote-text" dir="auto">
        {gone ? (original?.deleted ? 'This message was deleted.' : text || 'Original message not found.') : <EmojiSafeText text={text} />}
      </span>
    </button>
  );
}
