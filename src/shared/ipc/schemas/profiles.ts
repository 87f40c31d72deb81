// Profiles as the renderer sees them (docs/protocol.md "Profiles"): the name a user chose to be shown as and their
// photo, this user's own and the ones people who write to this user shared. A profile is what its owner says of
// themselves: the username stays the identity, shown beside the name wherever it matters.
import { z } from 'zod';
import { Username, base64Bytes } from '../../protocol/fields';

/** Longest display name, in characters. */
export const MAX_PROFILE_NAME_CHARS = 64;
/** Largest photo: a 256 × 256 JPEG or WebP fits several times over. */
export const MAX_AVATAR_BYTES = 64 * 1024;
/** The photo formats the renderer shows (and the core checks by their first bytes). */
export const AVATAR_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;

/** Control and bidirectional-override characters: invisible, and able to make one name look like another. */
const HIDDEN_CHARACTERS = /[\p{Cc}\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/u;

/** A display name: 1–64 characters once trimmed, nothing hidden in it. */
export const ProfileName = z
  .string()
  .transform((name) => name.normalize('NFC').trim())
  .pipe(
    z
      .string()
      .min(1, 'Enter a name.')
      .max(MAX_PROFILE_NAME_CHARS, `A name has at most ${MAX_PROFILE_NAME_CHARS} characters.`)
      .refine((name) => !HIDDEN_CHARACTERS.test(name), 'A name cannot contain control or direction characters.'),
  );

export const AvatarImage = z.strictObject({
  type: z.enum(AVATAR_TYPES),
  /** The image bytes, base64. */
  data: base64Bytes({ maxBytes: MAX_AVATAR_BYTES }),
});
export type AvatarImage = z.infer<typeof AvatarImage>;

export const ProfileView = z.strictObject({
  username: Username,
  name: ProfileName,
  avatar: AvatarImage.nullable(),
  /** When this device learned this version of it, epoch ms. */
  updatedAt: z.number().int().nonnegative(),
});
export type ProfileView = z.infer<typeof ProfileView>;

/** What the user sets as their own profile (Settings › Profile). */
export const SetOwnProfile = z.strictObject({ name: ProfileName, avatar: AvatarImage.nullable() });
export type SetOwnProfile = z.input<typeof SetOwnProfile>;
