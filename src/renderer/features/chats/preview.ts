// One line describing a conversation's newest message for the chat list.
import type { StoredMessage } from '../../db/rows';
import { describeTimer } from '../chat/describeTimer';
import { describeUpdate } from '../groups/describeUpdate';
import { describeAttachments } from '../media/describeAttachments';

const NOTICE_PREVIEWS: Record<NonNullable<StoredMessage['notice']>, string> = {
  needs_newer_version: 'Message for a newer version of Parley',
  unreadable: 'Message that could not be read',
};

export function previewOf(message: StoredMessage | null, me: string, isGroup: boolean): string {
  if (!message) return 'No messages yet';
  if (message.direction === 'system' && message.update) return describeUpdate(message.update, me);
  if (message.direction === 'system' && message.timer) return describeTimer(message.timer.seconds, message.sender, me);
  const text = message.deleted
    ? 'This message was deleted.'
    : message.notice
      ? NOTICE_PREVIEWS[message.notice]
      : message.attachments?.length
        ? describeAttachments(message.attachments, message.body)
        : message.body.replace(/\s+/g, ' ').trim();
  if (message.direction === 'out') return `You: ${text}`;
  return isGroup ? `${message.sender}: ${text}` : text;
}
