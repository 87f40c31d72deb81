// System lines that news from main leaves in a chat, each once (by conversation, id and author) and only where the
// chat exists already: a contact linked a new device ("alice linked a new device"; a first message brings no such
// news), and an admission to a group undone (an admin let this user in through an invite link, and every member
// then skipped it because another admin took the link's last use at the same moment; main has left the group).
import { dmConversationId, groupConversationId } from './conversations';
import type { ParleyDatabase } from './database';
import type { MessageRow } from './rows';

export function noteLinkedDevice(db: ParleyDatabase, username: string, device: number, at: number): Promise<void> {
  return addOnce(db, { conversationId: dmConversationId(username), messageId: `linked-device-${device}`, sender: username, direction: 'system', body: '', timestamp: at, linkedDevice: device });
}

export function noteAdmissionUndone(db: ParleyDatabase, groupId: string, admin: string, at: number): Promise<void> {
  return addOnce(db, { conversationId: groupConversationId(groupId), messageId: `admission-undone-${at}`, sender: admin, direction: 'system', body: '', timestamp: at, admissionUndone: true });
}

async function addOnce(db: ParleyDatabase, row: MessageRow): Promise<void> {
  await db.transaction('rw', db.messages, db.conversations, async () => {
    if (!(await db.conversations.get(row.conversationId))) return;
    if ((await db.messages.where('[conversationId+messageId+sender]').equals([row.conversationId, row.messageId, row.sender]).count()) > 0) return;
    await db.messages.add(row);
  });
}
