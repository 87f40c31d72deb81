// A profile as it is encrypted onto the relay (content.proto's ProfileDocument): a display name and an optional
// photo. A received document is untrusted: the name must pass the same rules as the user's own, and the photo must
// be what its type says by its first bytes, within the size limit; anything else is refused whole.
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { AVATAR_TYPES, MAX_AVATAR_BYTES, ProfileName } from '../../../shared/ipc';
import { SNIFF_BYTES, sniffType } from '../media/store/sniffType';
import { ProfileDocumentSchema } from '../messaging/wire/gen/content_pb';
import { MAX_PROFILE_DOCUMENT_BYTES } from './ProfilePointer';

export type AvatarType = (typeof AVATAR_TYPES)[number];

export interface ProfileContent {
  name: string;
  avatar: { type: AvatarType; data: Uint8Array } | null;
}

export class ProfileDocumentError extends Error {
  override readonly name = 'ProfileDocumentError';
}

export function encodeProfileDocument(profile: ProfileContent): Uint8Array {
  const bytes = toBinary(ProfileDocumentSchema, create(ProfileDocumentSchema, { name: profile.name, avatar: profile.avatar?.data ?? new Uint8Array(0), avatarType: profile.avatar?.type ?? '' }));
  if (bytes.length > MAX_PROFILE_DOCUMENT_BYTES) throw new ProfileDocumentError('profile too large');
  return bytes;
}

/** Throws ProfileDocumentError for a document no honest Parley writes. */
export async function decodeProfileDocument(bytes: Uint8Array): Promise<ProfileContent> {
  if (bytes.length > MAX_PROFILE_DOCUMENT_BYTES) throw new ProfileDocumentError('profile too large');
  let document;
  try {
    document = fromBinary(ProfileDocumentSchema, bytes);
  } catch {
    throw new ProfileDocumentError('not a profile document');
  }
  const name = ProfileName.safeParse(document.name);
  if (!name.success) throw new ProfileDocumentError('profile name');
  if (document.avatar.length === 0) return { name: name.data, avatar: null };
  return { name: name.data, avatar: await checkedAvatar(document.avatarType, document.avatar) };
}

/** A photo whose bytes are the image type it claims, within the limit. */
export async function checkedAvatar(type: string, data: Uint8Array): Promise<{ type: AvatarType; data: Uint8Array }> {
  if (!(AVATAR_TYPES as readonly string[]).includes(type) || data.length > MAX_AVATAR_BYTES) throw new ProfileDocumentError('profile photo type or size');
  const sniffed = await sniffType(data.subarray(0, SNIFF_BYTES));
  if (sniffed.contentType !== type) throw new ProfileDocumentError('profile photo is not what its type says');
  return { type: type as AvatarType, data };
}
