// Forwarding a message to another chat: a new message of this user's there, marked forwarded on the wire, with the
// same text and — for a message with files — copies of its files that point at the same blobs (main makes them:
// nothing is uploaded again).
import { queueMediaMessage, queueTextMessage } from '../../db/outgoing';
import type { StoredMessage } from '../../db/rows';
import { invoke } from '../../ipc';
import { requireSession } from '../../store/session';

export async function forwardMessage(message: StoredMessage, conversationId: string): Promise<void> {
  const { db, me, outbox } = requireSession();
  if (message.attachments?.length) {
    const attachments = await invoke('media.forward', { ids: message.attachments.map((attachment) => attachment.id) });
    await queueMediaMessage(db, { conversationId, caption: message.body, attachments, me, forwarded: true });
  } else {
    await queueTextMessage(db, { conversationId, body: message.body, me, forwarded: true });
  }
  outbox.poke(conversationId);
}
