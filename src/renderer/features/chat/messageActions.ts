// What the message toolbar, menu and keys do: each changes the row here at once and queues what the others must
// learn in the outbox (db/actions.ts), then wakes the outbox for that conversation. A deleted message's files are
// deleted by main (noted with the delete, sync/FileDeletionWorker.ts hands them over).
import { deleteMessage, editMessage, toggleReaction } from '../../db/actions';
import type { StoredMessage } from '../../db/rows';
import { requireSession } from '../../store/session';

export async function react(message: StoredMessage, emoji: string): Promise<void> {
  const { db, me, outbox } = requireSession();
  await toggleReaction(db, me, message, emoji);
  outbox.poke(message.conversationId);
}

export async function saveEdit(message: StoredMessage, body: string): Promise<void> {
  const { db, me, outbox } = requireSession();
  await editMessage(db, me, message, body);
  outbox.poke(message.conversationId);
}

export async function remove(message: StoredMessage, forEveryone: boolean): Promise<void> {
  const { db, me, outbox } = requireSession();
  await deleteMessage(db, me, message, forEveryone);
  if (forEveryone) outbox.poke(message.conversationId);
}

export async function copyText(message: StoredMessage): Promise<void> {
  await navigator.clipboard.writeText(message.body);
}
