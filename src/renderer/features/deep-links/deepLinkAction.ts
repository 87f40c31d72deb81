// What a parley:// link does, decided from what this device knows: open a chat it has, offer ("new chat",
// prefilled) to start one it does not — a link never adds a contact by itself — or say why nothing happened.
// Main has already parsed the link; this never sees link text.
import type { ReceivedDeepLink } from '../../../shared/ipc';
import { dmConversationId, groupConversationId } from '../../db/conversations';

export type DeepLinkAction =
  | { kind: 'open'; conversationId: string; title: string }
  | { kind: 'offerChat'; username: string }
  | { kind: 'join'; token: string }
  | { kind: 'notice'; text: string; tone: 'info' | 'error' };

export interface DeepLinkContext {
  me: string;
  /** Usernames of this device's contacts (normalized). */
  contacts: ReadonlySet<string>;
  /** Names of the groups this device knows, by id. */
  groups: ReadonlyMap<string, string>;
}

export const REJECTED_LINK_NOTICE = 'Parley ignored a link it could not read. Parley links open a chat, start one, or join a group.';

export function deepLinkAction(received: ReceivedDeepLink, context: DeepLinkContext): DeepLinkAction {
  if (received.status === 'rejected') return { kind: 'notice', text: REJECTED_LINK_NOTICE, tone: 'error' };
  const { link } = received;
  switch (link.kind) {
    case 'chat':
    case 'add':
      if (link.username === context.me) return { kind: 'notice', text: 'That link is to your own account.', tone: 'info' };
      if (context.contacts.has(link.username)) return { kind: 'open', conversationId: dmConversationId(link.username), title: link.username };
      return { kind: 'offerChat', username: link.username };
    case 'group': {
      const name = context.groups.get(link.groupId);
      if (name === undefined) return { kind: 'notice', text: 'That link is to a group this device is not in.', tone: 'error' };
      return { kind: 'open', conversationId: groupConversationId(link.groupId), title: name };
    }
    case 'join':
      return { kind: 'join', token: link.token };
  }
}
