// The plaintext inside every ciphertext Parley sends (the relay's payload is opaque to it): a versioned envelope
// naming the conversation, the end-to-end message id, the sender's time and the content, or a control message
// (a sender key for a group, a group update). Padded to size buckets so a ciphertext's length says little about
// what it holds. Decoding validates everything with the contract's own schemas: a peer is untrusted input.
import { z } from 'zod';
import { CodedError } from '../../../shared/base';
import { ByteReader, ByteWriter } from '../../../shared/crypto/bytes';
import { utf8Decode, utf8Encode } from '../../../shared/encoding/utf8';
import { GroupId, GroupName, GroupUpdate, MAX_GROUP_MEMBERS, OutgoingContent } from '../../../shared/ipc';
import { MessageId, Username, base64Bytes } from '../../../shared/protocol';

export const ENVELOPE_VERSION = 1;
/** Far above the largest legitimate envelope (a 16,000-character body, or a 1,000-member group's state). */
export const MAX_ENVELOPE_JSON_BYTES = 192 * 1024;

const Timestamp = z.number().int().nonnegative();

export const EnvelopeConversation = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('dm') }),
  z.strictObject({ kind: z.literal('group'), groupId: GroupId }),
]);

/** Name, members and admins as the sender sees them after an update; `revision` orders updates. */
export const GroupSnapshot = z.strictObject({
  name: GroupName,
  members: z.array(Username).min(1).max(MAX_GROUP_MEMBERS),
  admins: z.array(Username).max(MAX_GROUP_MEMBERS),
  createdBy: Username,
  revision: z.number().int().nonnegative(),
});
export type GroupSnapshot = z.infer<typeof GroupSnapshot>;

export const MessageEnvelope = z.strictObject({
  type: z.literal('message'),
  conversation: EnvelopeConversation,
  messageId: MessageId,
  sentAt: Timestamp,
  content: OutgoingContent,
});

export const GroupUpdateEnvelope = z.strictObject({
  type: z.literal('group_update'),
  groupId: GroupId,
  messageId: MessageId,
  sentAt: Timestamp,
  update: GroupUpdate,
  state: GroupSnapshot,
});

export const SenderKeyEnvelope = z.strictObject({
  type: z.literal('sender_key'),
  groupId: GroupId,
  /** An encoded SenderKeyDistributionMessage. */
  distribution: base64Bytes({ maxBytes: 256 }),
});

export const Envelope = z.discriminatedUnion('type', [MessageEnvelope, GroupUpdateEnvelope, SenderKeyEnvelope]);
export type Envelope = z.infer<typeof Envelope>;
export type MessageEnvelope = z.infer<typeof MessageEnvelope>;
export type GroupUpdateEnvelope = z.infer<typeof GroupUpdateEnvelope>;
export type SenderKeyEnvelope = z.infer<typeof SenderKeyEnvelope>;

export class EnvelopeError extends CodedError<'bad_envelope'> {
  override readonly name = 'EnvelopeError';
}

/** Powers of two up to 16 KiB, then whole multiples of 16 KiB. */
export function paddedLength(length: number): number {
  let bucket = 256;
  while (bucket < length && bucket < 16 * 1024) bucket *= 2;
  if (length <= bucket) return bucket;
  return Math.ceil(length / (16 * 1024)) * 16 * 1024;
}

export function encodeEnvelope(envelope: Envelope): Uint8Array {
  const json = utf8Encode(JSON.stringify(envelope));
  const body = new ByteWriter().u8(ENVELOPE_VERSION).varBytes(json).finish();
  const padded = new Uint8Array(paddedLength(body.length));
  padded.set(body);
  return padded;
}

/** Throws EnvelopeError for anything that is not a valid envelope of a version this app reads. */
export function decodeEnvelope(bytes: Uint8Array): Envelope {
  let json: unknown;
  try {
    const reader = new ByteReader(bytes, 'bad_message', 'envelope');
    reader.expectVersion(ENVELOPE_VERSION);
    json = JSON.parse(utf8Decode(reader.varBytes(MAX_ENVELOPE_JSON_BYTES)));
  } catch {
    throw new EnvelopeError('bad_envelope', 'The message content is not in a format this version of Parley reads.');
  }
  const parsed = Envelope.safeParse(json);
  if (!parsed.success) throw new EnvelopeError('bad_envelope', 'The message content is not valid.');
  return parsed.data;
}
