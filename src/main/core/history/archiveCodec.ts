// The history archive (history.proto, docs/protocol.md "History archive") between the core's form and its bytes.
// Decoding treats the archive as untrusted input, like any content from a peer: every chat and message passes the IPC
// contract's own schemas, every pointer and group state the content decoder's checks, and a message naming a chat or
// a file the archive does not hold makes the whole archive malformed (nothing of it is imported).
import { create, fromBinary, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import { CodedError } from '../../../shared/base';
import { HistoryConversation, HistoryMessage, type GroupUpdate } from '../../../shared/ipc';
import { GroupId } from '../../../shared/ipc';
import { fromBase64, toBase64 } from '../../../shared/encoding/base64';
import { BlobId, Username, normalizeUsername } from '../../../shared/protocol';
import type { GroupSnapshot } from '../groups/group';
import type { AttachmentPointerData } from '../media/AttachmentPointer';
import { fromPointer, toPointer } from '../messaging/wire/attachmentPointers';
import { fromChange, fromState, toChange, toState } from '../messaging/wire/codec';
import { fromProfilePointer, toProfilePointer } from '../messaging/wire/profilePointers';
import type { OwnProfileCopy, PeerProfileCopy, ProfileCopies } from '../profiles/profileCopies';
import { MAX_PROFILE_DOCUMENT_BYTES } from '../profiles/ProfilePointer';
import {
  HistoryArchiveSchema,
  HistoryProfileSchema,
  HistoryMessage_Direction as Direction,
  HistoryMessage_Status as Status,
  type HistoryConversation as WireConversation,
  type HistoryMessage as WireMessage,
  type HistoryProfile as WireProfile,
} from '../messaging/wire/gen/history_pb';

export const HISTORY_ARCHIVE_VERSION = 1;
/** Largest serialized archive a device builds or reads (it is held in memory while imported). */
export const MAX_HISTORY_ARCHIVE_BYTES = 256 * 1024 * 1024;

export interface ArchiveAttachment {
  /** The primary's local id of the file, kept by the new device. */
  id: string;
  pointer: AttachmentPointerData;
}

export interface ArchiveGroup {
  groupId: string;
  snapshot: GroupSnapshot;
  active: boolean;
}

/** A contact the user verified on the primary, with the key compared (base64). */
export interface ArchiveVerifiedContact {
  username: string;
  key: string;
}

/** A user the primary lists as a contact, or blocked (or both). */
export interface ArchiveContact {
  username: string;
  contact: boolean;
  blocked: boolean;
}

export interface HistoryArchive {
  createdAt: number;
  /** Messages from this time on; null: everything. */
  since: number | null;
  conversations: HistoryConversation[];
  /** Oldest first within each conversation. */
  messages: HistoryMessage[];
  attachments: ArchiveAttachment[];
  groups: ArchiveGroup[];
  verifiedContacts: ArchiveVerifiedContact[];
  contacts: ArchiveContact[];
  profiles: ProfileCopies;
}

export class HistoryArchiveError extends CodedError<'malformed_archive' | 'newer_archive_version'> {
  override readonly name = 'HistoryArchiveError';
}

const DIRECTIONS = { out: Direction.OUT, in: Direction.IN, system: Direction.SYSTEM } as const;
const STATUSES = { sending: Status.SENDING, sent: Status.SENT, delivered: Status.DELIVERED, read: Status.READ, failed: Status.FAILED } as const;

export function encodeArchive(archive: HistoryArchive): Uint8Array {
  const message = create(HistoryArchiveSchema, {
    version: HISTORY_ARCHIVE_VERSION,
    createdAt: BigInt(archive.createdAt),
    since: BigInt(archive.since ?? 0),
    conversations: archive.conversations.map((c) => ({
      id: c.id,
      title: c.title,
      createdAt: BigInt(c.createdAt),
      lastActivityAt: BigInt(c.lastActivityAt),
      mutedUntil: typeof c.mutedUntil === 'number' ? BigInt(c.mutedUntil) : 0n,
      mutedAlways: c.mutedUntil === 'always',
      expireTimerSeconds: c.expireTimerSeconds ?? 0,
      pinnedAt: BigInt(c.pinnedAt ?? 0),
      archived: c.archived === true,
    })),
    messages: archive.messages.map((m) => ({
      conversationId: m.conversationId,
      messageId: m.messageId,
      sender: m.sender,
      direction: DIRECTIONS[m.direction],
      body: m.body,
      timestamp: BigInt(m.timestamp),
      status: m.status === undefined ? Status.UNSPECIFIED : STATUSES[m.status],
      sentAt: BigInt(m.sentAt ?? 0),
      attachmentIds: m.attachments ?? [],
      ...(m.quote ? { quote: m.quote } : {}),
      editedAt: BigInt(m.editedAt ?? 0),
      deleted: m.deleted === true,
      reactions: (m.reactions ?? []).map((r) => ({ user: r.user, emoji: r.emoji, at: BigInt(r.at) })),
      expireTimerSeconds: m.expireTimerSeconds ?? 0,
      expiresAt: BigInt(m.expiresAt ?? 0),
      ...(m.update ? { update: toChange(m.update) } : {}),
      hasTimer: m.timer !== undefined,
      timerSeconds: m.timer?.seconds ?? 0,
      linkedDevice: m.linkedDevice ?? 0,
      unread: m.unread === true,
    })),
    attachments: archive.attachments.map((a) => ({ id: a.id, pointer: toPointer(a.pointer) })),
    groups: archive.groups.map((g) => ({ groupId: g.groupId, state: toState(g.snapshot), active: g.active })),
    verifiedContacts: archive.verifiedContacts.map((c) => ({ username: c.username, identityKey: fromBase64(c.key) })),
    contacts: archive.contacts.map((c) => ({ username: c.username, contact: c.contact, blocked: c.blocked })),
    ...(archive.profiles.own ? { ownProfile: toOwnProfile(archive.profiles.own) } : {}),
    profiles: archive.profiles.peers.map((p) => ({ username: p.username, document: p.document, blobId: p.blobId, updatedAt: BigInt(p.updatedAt) })),
  });
  return toBinary(HistoryArchiveSchema, message);
}

/** Throws HistoryArchiveError for bytes that are not a whole, valid archive of a version this reads. */
export function decodeArchive(bytes: Uint8Array): HistoryArchive {
  if (bytes.length > MAX_HISTORY_ARCHIVE_BYTES) throw malformed('the archive is too large');
  let wire;
  try {
    wire = fromBinary(HistoryArchiveSchema, bytes);
  } catch {
    throw malformed('the archive is not readable');
  }
  if (wire.version !== HISTORY_ARCHIVE_VERSION) {
    if (wire.version > HISTORY_ARCHIVE_VERSION) throw new HistoryArchiveError('newer_archive_version', 'The history was made by a newer Parley; update this one.');
    throw malformed('the archive has no version');
  }
  try {
    const conversations = wire.conversations.map(fromConversation);
    const chats = new Set(conversations.map((c) => c.id));
    const attachments = wire.attachments.map((a) => ({ id: checkedAttachmentId(a.id), pointer: fromPointer(a.pointer ?? fail('a file without a pointer')) }));
    const files = new Set(attachments.map((a) => a.id));
    const messages = wire.messages.map(fromMessage);
    for (const message of messages) {
      if (!chats.has(message.conversationId)) fail('a message in a chat the archive does not hold');
      if (message.attachments?.some((id) => !files.has(id))) fail('a message naming a file the archive does not hold');
    }
    const groups = wire.groups.map((g) => ({
      groupId: valid(GroupId, g.groupId),
      snapshot: fromState(g.state ?? fail('a group without its state')),
      active: g.active,
    }));
    const verifiedContacts = wire.verifiedContacts.map((c) => {
      if (c.identityKey.length !== 32) fail('a verified contact without a 32-byte key');
      return { username: normalizeUsername(valid(Username, c.username)), key: toBase64(c.identityKey) };
    });
    const contacts = wire.contacts.map((c) => ({ username: normalizeUsername(valid(Username, c.username)), contact: c.contact, blocked: c.blocked }));
    const profiles = { own: wire.ownProfile ? fromOwnProfile(wire.ownProfile) : null, peers: wire.profiles.map(fromPeerProfile) };
    return { createdAt: safe(wire.createdAt), since: wire.since === 0n ? null : safe(wire.since), conversations, messages, attachments, groups, verifiedContacts, contacts, profiles };
  } catch (error) {
    if (error instanceof HistoryArchiveError) throw error;
    throw malformed(`the archive holds invalid content (${(error as Error).message})`);
  }
}

function fromConversation(c: WireConversation): HistoryConversation {
  return valid(HistoryConversation, {
    id: c.id,
    title: c.title,
    createdAt: safe(c.createdAt),
    lastActivityAt: safe(c.lastActivityAt),
    ...(c.mutedAlways ? { mutedUntil: 'always' } : c.mutedUntil > 0n ? { mutedUntil: safe(c.mutedUntil) } : {}),
    ...(c.expireTimerSeconds > 0 ? { expireTimerSeconds: c.expireTimerSeconds } : {}),
    ...(c.pinnedAt > 0n ? { pinnedAt: safe(c.pinnedAt) } : {}),
    ...(c.archived ? { archived: true } : {}),
  });
}

function fromMessage(m: WireMessage): HistoryMessage {
  const direction = (Object.keys(DIRECTIONS) as (keyof typeof DIRECTIONS)[]).find((key) => DIRECTIONS[key] === m.direction) ?? fail('a message without a direction');
  const status = (Object.keys(STATUSES) as (keyof typeof STATUSES)[]).find((key) => STATUSES[key] === m.status);
  let update: GroupUpdate | undefined;
  if (m.update) update = fromChange(m.update) ?? fail('a group change of a kind this version does not know');
  return valid(HistoryMessage, {
    conversationId: m.conversationId,
    messageId: m.messageId,
    sender: m.sender,
    direction,
    body: m.body,
    timestamp: safe(m.timestamp),
    ...(status ? { status } : {}),
    ...(m.sentAt > 0n ? { sentAt: safe(m.sentAt) } : {}),
    ...(m.attachmentIds.length > 0 ? { attachments: m.attachmentIds } : {}),
    ...(m.quote ? { quote: { messageId: m.quote.messageId, author: m.quote.author, text: m.quote.text } } : {}),
    ...(m.editedAt > 0n ? { editedAt: safe(m.editedAt) } : {}),
    ...(m.deleted ? { deleted: true } : {}),
    ...(m.reactions.length > 0 ? { reactions: m.reactions.map((r) => ({ user: r.user, emoji: r.emoji, at: safe(r.at) })) } : {}),
    ...(m.expireTimerSeconds > 0 ? { expireTimerSeconds: m.expireTimerSeconds } : {}),
    ...(m.expiresAt > 0n ? { expiresAt: safe(m.expiresAt) } : {}),
    ...(update ? { update } : {}),
    ...(m.hasTimer ? { timer: { seconds: m.timerSeconds } } : {}),
    ...(m.linkedDevice > 0 ? { linkedDevice: m.linkedDevice } : {}),
    ...(m.unread ? { unread: true } : {}),
  });
}

function toOwnProfile(own: OwnProfileCopy): MessageInitShape<typeof HistoryProfileSchema> {
  return { document: own.document, pointer: toProfilePointer(own.pointer), updatedAt: BigInt(own.updatedAt), uploadedAt: BigInt(own.uploadedAt) };
}

function fromOwnProfile(p: WireProfile): OwnProfileCopy {
  const pointer = fromProfilePointer(p.pointer) ?? fail('the own profile without a valid pointer');
  return { document: checkedDocument(p.document), pointer, updatedAt: safe(p.updatedAt), uploadedAt: safe(p.uploadedAt) };
}

function fromPeerProfile(p: WireProfile): PeerProfileCopy {
  return { username: normalizeUsername(valid(Username, p.username)), document: checkedDocument(p.document), blobId: valid(BlobId, p.blobId), updatedAt: safe(p.updatedAt) };
}

/** Only the size here: the document's content is checked where it is taken, as one downloaded from the relay. */
function checkedDocument(document: Uint8Array): Uint8Array {
  return document.length > 0 && document.length <= MAX_PROFILE_DOCUMENT_BYTES ? document : fail('a profile of the wrong size');
}

function checkedAttachmentId(id: string): string {
  return /^[A-Za-z0-9_-]{22}$/.test(id) ? id : fail('a file with an invalid id');
}

function valid<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } }, value: unknown): T {
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : fail('an entry that does not pass its schema');
}

function safe(value: bigint): number {
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? fail('a number out of range') : Number(value);
}

function fail(what: string): never {
  throw malformed(what);
}

function malformed(what: string): HistoryArchiveError {
  return new HistoryArchiveError('malformed_archive', `The history could not be read: ${what}.`);
}
