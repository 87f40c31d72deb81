// What the chat list says about a conversation's newest message: who wrote it (you, or the sender in a group)
// and one line of its text. Kept apart so the row can lay each out in its own direction (a Latin "You:" before
// an Arabic text must not be reordered into it).
import type { StoredMessage } from '../../db/rows';
import { describeTimer } from '../chat/describeTimer';
import { linkedDeviceLine } from '../devices/deviceText';
import { describeUpdate } from '../groups/describeUpdate';
import { describeAttachments } from '../media/describeAttachments';

const NOTICE_PREVIEWS: Record<NonNullable<StoredMessage['notice']>, string> = {
  needs_newer_version: 'Message for a newer version of Parley',
  unreadable: 'Message that could not be read',
};

export interface Preview {
  /** "You", the sender's name in a group, or null when the line speaks for itself. */
  author: string | null;
  text: string;
}

export function previewOf(message: StoredMessage | null, me: string, isGroup: boolean): Preview {
  if (!message) return { author: null, text: 'No messages yet' };
  if (message.direction === 'system' && message.update) return { author: null, text: describeUpdate(message.update, me) };
  if (message.direction === 'system' && message.timer) return { author: null, text: describeTimer(message.timer.seconds, message.sender, me) };
  if (message.direction === 'system' && message.linkedDevice !== undefined) return { author: null, text: linkedDeviceLine(message.sender) };
  const text = message.deleted
    ? 'This message was deleted.'
    : message.notice
      ? NOTICE_PREVIEWS[message.notice]
      : message.attachments?.length
        ? describeAttachments(message.attachments, message.body)
        : message.body.replace(/\s+/g, ' ').trim();
  if (message.direction === 'out') return { author: 'You', text };
  return { author: isGroup ? message.sender : null, text };
}
