// Per-chat mutes, kept on the conversation row (mutedUntil: epoch ms or 'always'; absent or null: not muted).
import type { Mute } from '../../shared/notifications/notificationPolicy';
import type { ParleyDatabase } from './database';

export async function setConversationMute(db: ParleyDatabase, conversationId: string, mute: Exclude<Mute, undefined>): Promise<void> {
  await db.conversations.update(conversationId, { mutedUntil: mute ?? undefined });
}

export async function conversationMute(db: ParleyDatabase, conversationId: string): Promise<Mute> {
  return (await db.conversations.get(conversationId))?.mutedUntil;
}
