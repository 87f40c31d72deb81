// Per-chat mutes, kept on the conversation row (mutedUntil: epoch ms or 'always'; absent or null: not muted).
import type { Mute } from '../../shared/notifications/notificationPolicy';
import type { ParleyDatabase } from './database';

/** Throws when the chat has no row yet (the session creates contacts' rows at start): a mute is never dropped unseen. */
export async function setConversationMute(db: ParleyDatabase, conversationId: string, mute: Exclude<Mute, undefined>): Promise<void> {
  if ((await db.conversations.update(conversationId, { mutedUntil: mute ?? undefined })) === 0) throw new Error('no such conversation');
}

export async function conversationMute(db: ParleyDatabase, conversationId: string): Promise<Mute> {
  return (await db.conversations.get(conversationId))?.mutedUntil;
}
