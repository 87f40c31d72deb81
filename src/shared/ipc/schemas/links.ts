// parley:// deep links as the renderer receives them: already parsed and checked by main's allow-list parser
// (src/main/core/links/deepLink.ts). The renderer never sees the raw link text.
import { z } from 'zod';
import { Username } from '../../protocol/fields';
import { GroupId } from './groups';

/** A group invite token as it travels in a link: base64url, bounded. Its inside is checked by the core. */
export const InviteLinkToken = z.string().regex(/^[A-Za-z0-9_-]{16,1024}$/, 'not an invite token');

export const DeepLink = z.discriminatedUnion('kind', [
  /** Open the one-to-one chat with this user. */
  z.strictObject({ kind: z.literal('chat'), username: Username }),
  /** Open a group chat this device knows. */
  z.strictObject({ kind: z.literal('group'), groupId: GroupId }),
  /** Offer to start a chat with this user ("new chat", prefilled): the user confirms before anything happens. */
  z.strictObject({ kind: z.literal('add'), username: Username }),
  /** Offer to join a group with an invite. */
  z.strictObject({ kind: z.literal('join'), token: InviteLinkToken }),
]);
export type DeepLink = z.infer<typeof DeepLink>;

export const DEEP_LINK_REJECTIONS = ['too_long', 'malformed', 'unknown_route', 'bad_argument'] as const;
export const DeepLinkRejection = z.enum(DEEP_LINK_REJECTIONS);
export type DeepLinkRejection = z.infer<typeof DeepLinkRejection>;

/** What arrived, in arrival order: a link to act on, or a notice that one was ignored (and why, never the text). */
export const ReceivedDeepLink = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('accepted'), id: z.number().int().nonnegative(), link: DeepLink }),
  z.strictObject({ status: z.literal('rejected'), id: z.number().int().nonnegative(), reason: DeepLinkRejection }),
]);
export type ReceivedDeepLink = z.infer<typeof ReceivedDeepLink>;
