// A received profile is untrusted: the name must pass the user's own rules and the photo must be the image type it
// claims, within the limit; anything else is refused whole, and what passes round-trips exactly.
import { create, toBinary } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { ProfileDocumentSchema } from '../messaging/wire/gen/content_pb';
import { decodeProfileDocument, encodeProfileDocument, ProfileDocumentError } from './profileDocument';

const JPEG = new Uint8Array([...Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'), ...new Uint8Array(500)]);
const raw = (name: string, avatar = new Uint8Array(0), avatarType = '') => toBinary(ProfileDocumentSchema, create(ProfileDocumentSchema, { name, avatar, avatarType }));

describe('profile documents', () => {
  it('round-trip a name and a photo', async () => {
    const profile = { name: 'Ålice 🦊', avatar: { type: 'image/jpeg' as const, data: JPEG } };
    expect(await decodeProfileDocument(encodeProfileDocument(profile))).toEqual(profile);
    expect(await decodeProfileDocument(encodeProfileDocument({ name: 'Bob', avatar: null }))).toEqual({ name: 'Bob', avatar: null });
  });

  it.each([
    ['an empty name', raw('  ')],
    ['a name with a right-to-left override', raw('evil\u202Egnp.exe')],
    ['a name with a control character', raw('a\u0007b')],
    ['a name over 64 characters', raw('x'.repeat(65))],
    ['a photo that is not what its type says', raw('Alice', JPEG, 'image/png')],
    ['a photo of a type not shown', raw('Alice', JPEG, 'image/svg+xml')],
    ['a photo over 64 KiB', raw('Alice', new Uint8Array(70_000), 'image/jpeg')],
    ['bytes that are not a profile', new Uint8Array([0xff, 0xff, 0xff])],
  ])('refuses %s', async (_what, bytes) => {
    await expect(decodeProfileDocument(bytes)).rejects.toBeInstanceOf(ProfileDocumentError);
  });
});
