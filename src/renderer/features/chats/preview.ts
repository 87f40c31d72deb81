// One line describing a conversation's newest message for the chat list.
import type { StoredMessage } from '../../db/rows';
import { describeUpdate } from '../groups/describeUpdate';

export function previewOf(message: StoredMessage | null, me: string, isGroup: boolean): string {
  if (!message) return 'No messages yet';
  if (message.direction === 'system' && message.update) return describeUpdate(message.update, me);
  const text = message.body.replace(/\s+/g, ' ').trim();
  if (message.direction === 'out') return `You: ${text}`;
  return isGroup ? `${message.sender}: ${text}` : text;
}
