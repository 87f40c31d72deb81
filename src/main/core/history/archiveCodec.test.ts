// The history archive's bytes: a full archive survives the round trip; a cut, foreign, newer or inconsistent one is
// refused as a whole with a reason, never partly read.
import { create, toBinary } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { HistoryArchiveSchema } from '../messaging/wire/gen/history_pb';
import { decodeArchive, encodeArchive, HISTORY_ARCHIVE_VERSION, type HistoryArchive } from './archiveCodec';

const FILE_ID = 'AAAAAAAAAAAAAAAAAAAAAA';
const GROUP_ID = 'BBBBBBBBBBBBBBBBBBBBBB';

const archive: HistoryArchive = {
  createdAt: 1_764_000_000_000,
  since: 1_763_000_000_000,
  conversations: [
    { id: 'dm:bob', title: 'bob', createdAt: 1, lastActivityAt: 5, mutedUntil: 'always', expireTimerSeconds: 3600, pinnedAt: 4, archived: true },
    { id: `group:${GROUP_ID}`, title: 'Sailing', createdAt: 2, lastActivityAt: 3, mutedUntil: 99 },
  ],
  messages: [
    { conversationId: 'dm:bob', messageId: 'm1', sender: 'alice', direction: 'out', body: 'hello', timestamp: 10, status: 'delivered', sentAt: 11, expireTimerSeconds: 3600, expiresAt: 3_600_011 },
    {
      conversationId: 'dm:bob',
      messageId: 'm2',
      sender: 'bob',
      direction: 'in',
      body: '',
      timestamp: 12,
      attachments: [FILE_ID],
      quote: { messageId: 'm1', author: 'alice', text: 'hello' },
      reactions: [{ user: 'alice', emoji: '🎉', at: 13 }],
      editedAt: 14,
      unread: true,
    },
    { conversationId: 'dm:bob', messageId: 'm3', sender: 'bob', direction: 'in', body: '', timestamp: 15, deleted: true },
    { conversationId: 'dm:bob', messageId: 'm4', sender: 'bob', direction: 'system', body: '', timestamp: 16, timer: { seconds: 0 } },
    { conversationId: 'dm:bob', messageId: 'linked-device-2', sender: 'bob', direction: 'system', body: '', timestamp: 17, linkedDevice: 2 },
    { conversationId: `group:${GROUP_ID}`, messageId: 'm5', sender: 'alice', direction: 'system', body: '', timestamp: 18, update: { kind: 'renamed', by: 'alice', name: 'Sailing' } },
    // Still queued on the primary when the archive was made.
    { conversationId: 'dm:bob', messageId: 'm6', sender: 'alice', direction: 'out', body: 'on its way', timestamp: 19, status: 'sending' },
  ],
  attachments: [
    {
      id: FILE_ID,
      pointer: {
        blobId: 'CCCCCCCCCCCCCCCCCCCCCC',
        key: new Uint8Array(32).fill(7),
        digest: new Uint8Array(32).fill(8),
        size: 1234,
        contentType: 'image/jpeg',
        chunkBytes: 65536,
        fileName: 'photo.jpg',
        voiceNote: false,
        width: 640,
        height: 480,
        durationMs: null,
        blurhash: null,
        thumbnail: null,
      },
    },
  ],
  groups: [
    {
      groupId: GROUP_ID,
      snapshot: { name: 'Sailing', members: ['alice', 'bob'], admins: ['alice'], createdBy: 'alice', revision: 3, inviteLinks: [], approveNewMembers: true },
      active: true,
    },
  ],
  verifiedContacts: [{ username: 'bob', key: btoa('b'.repeat(32)) }],
  contacts: [
    { username: 'bob', contact: true, blocked: false },
    { username: 'mallory', contact: false, blocked: true },
  ],
  profiles: {
    own: {
      document: new Uint8Array([10, 5, 65, 108, 105, 99, 101]),
      pointer: { blobId: 'EEEEEEEEEEEEEEEEEEEEEE', key: new Uint8Array(32).fill(1), digest: new Uint8Array(32).fill(2), size: 7, chunkBytes: 65536 },
      updatedAt: 20,
      uploadedAt: 21,
    },
    peers: [{ username: 'bob', document: new Uint8Array([10, 3, 66, 111, 98]), blobId: 'FFFFFFFFFFFFFFFFFFFFFF', updatedAt: 22 }],
  },
};

describe('history archive codec', () => {
  it('keeps every chat, message, file pointer, group and profile through the round trip', () => {
    const decoded = decodeArchive(encodeArchive(archive));
    expect(decoded).toEqual({ ...archive, attachments: [{ id: FILE_ID, pointer: { ...archive.attachments[0]!.pointer, key: expect.any(Uint8Array), digest: expect.any(Uint8Array) } }] });
    expect([...decoded.attachments[0]!.pointer.key]).toEqual([...archive.attachments[0]!.pointer.key]);
    expect(decodeArchive(encodeArchive({ ...archive, since: null })).since).toBeNull();
    expect(decodeArchive(encodeArchive({ ...archive, profiles: { own: null, peers: [] } })).profiles).toEqual({ own: null, peers: [] });
  });

  it('refuses a cut archive, bytes that are not one, and a newer version', () => {
    const bytes = encodeArchive(archive);
    expect(() => decodeArchive(bytes.subarray(0, bytes.length - 7))).toThrow(expect.objectContaining({ code: 'malformed_archive' }));
    expect(() => decodeArchive(new Uint8Array([0xff, 0xff, 0xff]))).toThrow(expect.objectContaining({ code: 'malformed_archive' }));
    const newer = toBinary(HistoryArchiveSchema, create(HistoryArchiveSchema, { version: HISTORY_ARCHIVE_VERSION + 1 }));
    expect(() => decodeArchive(newer)).toThrow(expect.objectContaining({ code: 'newer_archive_version' }));
    expect(() => decodeArchive(new Uint8Array())).toThrow(expect.objectContaining({ code: 'malformed_archive' }));
  });

  it('refuses the whole archive when one entry is invalid or names what the archive does not hold', () => {
    const bad = (change: Partial<HistoryArchive>) => () => decodeArchive(encodeArchive({ ...archive, ...change }));
    const [first, second] = archive.messages;
    expect(bad({ messages: [{ ...first!, conversationId: 'dm:carol' }] })).toThrow(/a chat the archive does not hold/);
    expect(bad({ messages: [{ ...second!, attachments: ['DDDDDDDDDDDDDDDDDDDDDD'] }] })).toThrow(/a file the archive does not hold/);
    expect(bad({ messages: [{ ...first!, sender: 'not a user!' }] })).toThrow(/does not pass its schema/);
    expect(bad({ conversations: [{ ...archive.conversations[0]!, id: 'dm:Bob' }] })).toThrow(expect.objectContaining({ code: 'malformed_archive' }));
    expect(bad({ contacts: [{ username: 'not a user!', contact: true, blocked: false }] })).toThrow(expect.objectContaining({ code: 'malformed_archive' }));
    const { own, peers } = archive.profiles;
    expect(bad({ profiles: { own: { ...own!, pointer: { ...own!.pointer, key: new Uint8Array(31) } }, peers } })).toThrow(/the own profile without a valid pointer/);
    expect(bad({ profiles: { own, peers: [{ ...peers[0]!, document: new Uint8Array(96 * 1024 + 1) }] } })).toThrow(/a profile of the wrong size/);
    expect(bad({ profiles: { own, peers: [{ ...peers[0]!, username: 'Not Bob' }] } })).toThrow(/does not pass its schema/);
    expect(bad({ profiles: { own, peers: [{ ...peers[0]!, blobId: '../x' }] } })).toThrow(/does not pass its schema/);
    expect(bad({ attachments: [{ id: FILE_ID, pointer: { ...archive.attachments[0]!.pointer, key: new Uint8Array(5) } }] })).toThrow(
      expect.objectContaining({ code: 'malformed_archive' }),
    );
  });
});
