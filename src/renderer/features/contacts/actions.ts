// Starting a one-to-one chat: main finds and verifies the user, then the conversation exists here and opens.
import { USERNAME_PATTERN } from '../../../shared/protocol/fields';
import { dmConversationId, ensureConversation } from '../../db/conversations';
import { InputError } from '../../errors';
import { useChats } from '../../store/chats';
import { useContacts } from '../../store/contacts';
import { requireSession } from '../../store/session';

export const USERNAME_HINT = 'Usernames are 3–32 letters, digits, “_”, “.” or “-”, starting with a letter or digit.';

export function checkUsername(input: string): string {
  const username = input.trim().replace(/^@/, '');
  if (!USERNAME_PATTERN.test(username)) throw new InputError('invalid_username', USERNAME_HINT);
  return username;
}

/** Adds the contact (main fetches and verifies their keys), creates the chat and opens it. */
export async function startChatWith(input: string): Promise<string> {
  const username = checkUsername(input);
  const { db, me } = requireSession();
  if (username.toLowerCase() === me) throw new InputError('invalid_username', 'That is you — pick someone else to chat with.');
  const contact = await useContacts.getState().add(username);
  const conversationId = dmConversationId(contact.username);
  await ensureConversation(db, conversationId, contact.username, Date.now());
  useChats.getState().select(conversationId);
  return conversationId;
}
