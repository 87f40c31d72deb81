// The id of a chat, on its own so the schemas of messages and of attachments (which name the message they belong
// to) can both use it.
import { z } from 'zod';
import { USERNAME_PATTERN } from '../../protocol/fields';
import { GroupId } from './groups';

/** `dm:<username>` for one-to-one chats, `group:<groupId>` for groups. */
export const ConversationId = z
  .string()
  .refine(
    (id) =>
      (id.startsWith('dm:') && USERNAME_PATTERN.test(id.slice(3)) && id === id.toLowerCase()) ||
      (id.startsWith('group:') && GroupId.safeParse(id.slice(6)).success),
    'not a conversation id',
  );
export type ConversationId = z.infer<typeof ConversationId>;
