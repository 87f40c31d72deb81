// Sealing one vault record: a fresh random salt per write derives the AEAD key and nonce from the record key
// (so no nonce is ever reused, however many writes), and the associated data names the record's space and file id,
// which is a keyed hash of its name: a record moved to another file, or another space, does not open.
// The record's own name travels inside the ciphertext so listing can recover it and reads can double-check it.
import { ByteReader, ByteWriter } from '../../../shared/crypto/bytes';
import { AEAD_KEY_BYTES, AEAD_NONCE_BYTES, type CryptoProvider } from '../../../shared/crypto/provider';
import { utf8Decode, utf8Encode } from '../../../shared/encoding/utf8';
import { VaultError } from './VaultError';

export const RECORD_FORMAT_V1 = 0x01;
const SALT_BYTES = 24;
const TAG_BYTES = 16;
const MAX_NAME_BYTES = 1024;
const RECORD_INFO = utf8Encode('parley-vault-record-v1');
const AD_PREFIX = utf8Encode('parley-vault-v1');
const FILE_ID_INFO = utf8Encode('parley-vault-file-id-v1');

export interface RecordKeys {
  /** Encrypts records (through a per-write HKDF). */
  readonly recordKey: Uint8Array;
  /** Turns record names into file names (HMAC), so file names say nothing about contacts or groups. */
  readonly nameKey: Uint8Array;
}

/** Derives the two vault subkeys from the master key. */
export function deriveRecordKeys(provider: CryptoProvider, masterKey: Uint8Array): RecordKeys {
  const okm = provider.hkdfSha256(masterKey, new Uint8Array(32), utf8Encode('parley-vault-keys-v1'), 64);
  return { recordKey: okm.slice(0, 32), nameKey: okm.slice(32) };
}

/** 32 hex characters: the first 128 bits of HMAC(nameKey, info || space || 0 || name). */
export function recordFileId(provider: CryptoProvider, keys: RecordKeys, space: string, name: string): string {
  const mac = provider.hmacSha256(keys.nameKey, new ByteWriter().bytes(FILE_ID_INFO).bytes(utf8Encode(space)).u8(0).bytes(utf8Encode(name)).finish());
  return Buffer.from(mac.subarray(0, 16)).toString('hex');
}

function associatedData(space: string, fileId: string): Uint8Array {
  return new ByteWriter().bytes(AD_PREFIX).u8(0).bytes(utf8Encode(space)).u8(0).bytes(utf8Encode(fileId)).finish();
}

function expand(provider: CryptoProvider, keys: RecordKeys, salt: Uint8Array) {
  const okm = provider.hkdfSha256(keys.recordKey, salt, RECORD_INFO, AEAD_KEY_BYTES + AEAD_NONCE_BYTES);
  return { key: okm.subarray(0, AEAD_KEY_BYTES), nonce: okm.subarray(AEAD_KEY_BYTES) };
}

export function sealRecord(
  provider: CryptoProvider,
  keys: RecordKeys,
  where: { space: string; fileId: string; name: string },
  payload: Uint8Array,
): Uint8Array {
  const name = utf8Encode(where.name);
  if (name.length > MAX_NAME_BYTES) throw new RangeError('vault record name too long');
  const salt = provider.randomBytes(SALT_BYTES);
  const { key, nonce } = expand(provider, keys, salt);
  const plaintext = new ByteWriter().u32(name.length).bytes(name).bytes(payload).finish();
  const ciphertext = provider.aeadEncrypt(key, nonce, plaintext, associatedData(where.space, where.fileId));
  return new ByteWriter().u8(RECORD_FORMAT_V1).bytes(salt).bytes(ciphertext).finish();
}

/** Opens a sealed record found in file `fileId` of `space`; returns its name and payload. Throws VaultError. */
export function openRecord(
  provider: CryptoProvider,
  keys: RecordKeys,
  where: { space: string; fileId: string },
  sealed: Uint8Array,
): { name: string; payload: Uint8Array } {
  if (sealed.length < 1 + SALT_BYTES + TAG_BYTES + 4 || sealed[0] !== RECORD_FORMAT_V1) {
    throw new VaultError('vault_record_corrupt', 'A vault record is not in a format this version of Parley reads.');
  }
  const salt = sealed.subarray(1, 1 + SALT_BYTES);
  const { key, nonce } = expand(provider, keys, salt);
  const plaintext = provider.aeadDecrypt(key, nonce, sealed.subarray(1 + SALT_BYTES), associatedData(where.space, where.fileId));
  if (plaintext === null) {
    throw new VaultError('vault_record_tampered', 'A vault record was altered, moved or written with another key; it cannot be opened.');
  }
  try {
    const reader = new ByteReader(plaintext, 'bad_state', 'vault record');
    const name = utf8Decode(reader.varBytes(MAX_NAME_BYTES));
    return { name, payload: reader.rest() };
  } catch (cause) {
    throw new VaultError('vault_record_corrupt', 'A vault record authenticates but its content is malformed.', { cause });
  }
}
