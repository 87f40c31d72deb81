// Field schemas shared by every frame: names, addresses, ids and byte strings. The binary codec checks the same
// rules byte by byte (wire-reader.ts); the schemas serve the rare frames, which carry a JSON body.
import { z } from 'zod';
import { base64DecodedLength, isBase64 } from '../encoding/base64';

/** Usernames are 3–32 characters of letters, digits, '_', '.', '-', starting with a letter or digit; case-insensitive. */
export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{2,31}$/;

export const Username = z
  .string()
  .regex(USERNAME_PATTERN, 'username must be 3–32 letters, digits, "_", "." or "-", starting with a letter or digit');

/** The canonical form of a username: what the relay stores and compares. */
export function normalizeUsername(username: string): string {
  return username.toLowerCase();
}

/** A device of a user. Device 1 is the first device; linked devices get further ids. */
export const DeviceId = z.number().int().min(1).max(2_147_483_647);

/** An address is a (user, device) pair: nothing in the protocol assumes one device per user. */
export const Address = z.strictObject({ user: Username, device: DeviceId });
export type Address = z.infer<typeof Address>;

export function addressKey(address: Address): string {
  return `${normalizeUsername(address.user)}.${address.device}`;
}

/**
 * The tag of an identity key in a checked `send` (docs/protocol.md): its first four bytes, big-endian. It tells a
 * re-registered device from the one a sender knows (like Signal's registration id), not who anyone is.
 */
export function identityKeyTag(identityKey: Uint8Array): number {
  if (identityKey.length < 4) throw new RangeError('an identity key has 32 bytes');
  return ((identityKey[0]! << 24) | (identityKey[1]! << 16) | (identityKey[2]! << 8) | identityKey[3]!) >>> 0;
}

/** A client-made message id (a ULID, UUID or similar): travels end to end, dedups resends. */
export const MESSAGE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const MessageId = z.string().regex(MESSAGE_ID_PATTERN, 'message id must be 1–64 of [A-Za-z0-9_-]');

/** Largest delivery sequence number: a mailbox's deliveries are numbered 1, 2, 3, … in 48 bits. */
export const MAX_SEQ = 2 ** 48 - 1;

/** Request id chosen by the client, echoed in the response. */
export const RequestId = z.number().int().min(0).max(2 ** 32 - 1);

/** Base64 of at most `maxBytes` bytes (exactly `exactBytes` when given). */
export function base64Bytes(options: { maxBytes?: number; exactBytes?: number }) {
  return z
    .string()
    .refine(isBase64, 'must be padded base64')
    .refine((text) => {
      const length = base64DecodedLength(text);
      if (options.exactBytes !== undefined) return length === options.exactBytes;
      return options.maxBytes === undefined || length <= options.maxBytes;
    }, 'wrong length');
}

export const Nonce = base64Bytes({ exactBytes: 32 });
export const Ed25519PublicKey = base64Bytes({ exactBytes: 32 });
export const Ed25519Signature = base64Bytes({ exactBytes: 64 });
export const X25519PublicKey = base64Bytes({ exactBytes: 32 });

/** Largest prekey id: ids are 24-bit like Signal's (MAX_PREKEY_ID in src/shared/crypto/prekeys.ts), never 0. */
export const MAX_WIRE_PREKEY_ID = 0xff_ffff;

/** Id of a signed or one-time prekey, chosen by the device that made it; unique per device and kind. */
export const PreKeyId = z.number().int().min(1).max(MAX_WIRE_PREKEY_ID);
