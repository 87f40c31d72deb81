// A contact linked a new device: a system line in the chat with them ("alice linked a new device"), once per device,
// and only where a chat with them exists already (a first message brings no such news).
import { dmConversationId } from './conversations';
import type { ParleyDatabase } from './database';
import type { MessageRow } from './rows';

export async function noteLinkedDevice(db: ParleyDatabase, username: string, device: number, at: number): Promise<void> {
  const conversationId = dmConversationId(username);
  const messageId = `linked-device-${device}`;
  await db.transaction('rw', db.messages, db.conversations, async () => {
    if (!(await db.conversations.get(conversationId))) return;
    if ((await db.messages.where('[conversationId+messageId+sender]').equals([conversationId, messageId, username]).count()) > 0) return;
    const row: MessageRow = { conversationId, messageId, sender: username, direction: 'system', body: '', timestamp: at, linkedDevice: device };
    await db.messages.add(row);
  });
}
