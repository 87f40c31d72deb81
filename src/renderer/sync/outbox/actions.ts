// What the UI asks of the outbox: queue a text message, possibly a reply (before anything else happens), and retry a
// failed one.
import { queueTextMessage, requeueMessage } from '../../db/outgoing';
import type { StoredMessage } from '../../db/rows';
import { requireSession } from '../../store/session';

export async function sendText(conversationId: string, body: string, replyTo?: StoredMessage): Promise<StoredMessage> {
  const { db, me, outbox } = requireSession();
  const message = await queueTextMessage(db, { conversationId, body, me, ...(replyTo ? { replyTo } : {}) });
  outbox.poke(conversationId);
  return message;
}

export async function retrySend(message: StoredMessage): Promise<void> {
  const { db, outbox } = requireSession();
  if (await requeueMessage(db, message.seq)) outbox.poke(message.conversationId);
}
