// Prekeys (PQXDH §3.2): the signed curve prekey, one-time curve prekeys, and signed ML-KEM-768 prekeys — one-time
// ones and a last-resort one — with the bytes each signature covers, and the rotation and replenishment schedule
// the core applies. Private halves never leave the device.
import { ByteWriter } from './bytes';
import { utf8Encode } from '../encoding/utf8';
import { encodeX25519PublicKey, type IdentityKeyPair } from './identity';
import type { CryptoProvider, KeyPair } from './provider';

export interface SignedPreKey {
  readonly id: number;
  readonly keyPair: KeyPair;
  /** Ed25519 signature by the identity key over signedPreKeySigningBytes(id, keyPair.publicKey). */
  readonly signature: Uint8Array;
  /** Milliseconds since the epoch; drives rotation. */
  readonly createdAt: number;
}

export interface OneTimePreKey {
  readonly id: number;
  readonly keyPair: KeyPair;
}

/**
 * A signed ML-KEM-768 prekey (PQXDH's PQSPK / PQOPK). One-time ones are handed out once; the last-resort one is
 * served when they are used up, and is replaced on the signed prekey's schedule. Ids share one space per device.
 */
export interface KemPreKey {
  readonly id: number;
  readonly keyPair: KeyPair;
  /** Ed25519 signature by the identity key over kemPreKeySigningBytes(id, keyPair.publicKey). */
  readonly signature: Uint8Array;
  readonly createdAt: number;
  readonly lastResort: boolean;
}

/** Prekey ids are 24-bit like Signal's, never 0, so they fit anywhere and wrap predictably. */
export const MAX_PREKEY_ID = 0xff_ffff;

/** A new signed prekey every week; the previous ones stay usable for late initial messages for a month. */
export const SIGNED_PREKEY_ROTATION_MS = 7 * 24 * 60 * 60 * 1000;
export const SIGNED_PREKEY_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
/** Upload this many one-time prekeys at a time, when the relay reports fewer than the low-water mark. */
export const ONE_TIME_PREKEY_BATCH = 100;
export const ONE_TIME_PREKEY_LOW_WATER = 20;

const SIGNED_PREKEY_DOMAIN = utf8Encode('parley-signed-prekey-v1');
const KEM_PREKEY_DOMAIN = utf8Encode('parley-kem-prekey-v1');
/** EncodeKEM's type byte for an ML-KEM-768 public key, so a KEM key can never pass for a curve key (0x05). */
export const ML_KEM_768_KEY_TYPE = 0x0a;
/** KEM prekeys are 1.2 KB each: uploaded in smaller batches than curve prekeys, and fewer are kept. */
export const KEM_PREKEY_BATCH = 40;
export const KEM_PREKEY_LOW_WATER = 10;

/** Domain-separated so the identity key's signature over a prekey can never be replayed as a relay login. */
export function signedPreKeySigningBytes(id: number, publicKey: Uint8Array): Uint8Array {
  return new ByteWriter().bytes(SIGNED_PREKEY_DOMAIN).u32(id).bytes(encodeX25519PublicKey(publicKey)).finish();
}

/** PQXDH's Sig(IK, EncodeKEM(PQPK)), domain-separated and bound to the key's id like a signed prekey. */
export function kemPreKeySigningBytes(id: number, publicKey: Uint8Array): Uint8Array {
  return new ByteWriter().bytes(KEM_PREKEY_DOMAIN).u32(id).u8(ML_KEM_768_KEY_TYPE).bytes(publicKey).finish();
}

export function nextPreKeyId(id: number): number {
  return id >= MAX_PREKEY_ID || id < 1 ? 1 : id + 1;
}

export function isValidPreKeyId(id: number): boolean {
  return Number.isInteger(id) && id >= 1 && id <= MAX_PREKEY_ID;
}

export function generateSignedPreKey(
  provider: CryptoProvider,
  identity: IdentityKeyPair,
  id: number,
  now: number,
): SignedPreKey {
  if (!isValidPreKeyId(id)) throw new RangeError(`prekey id must be 1..${MAX_PREKEY_ID}`);
  const keyPair = provider.x25519GenerateKeyPair();
  const signature = provider.ed25519Sign(identity.signing, signedPreKeySigningBytes(id, keyPair.publicKey));
  return { id, keyPair, signature, createdAt: now };
}

/** `count` one-time prekeys with consecutive ids from `firstId` (wrapping past MAX_PREKEY_ID to 1). */
export function generateOneTimePreKeys(provider: CryptoProvider, firstId: number, count: number): OneTimePreKey[] {
  if (!isValidPreKeyId(firstId)) throw new RangeError(`prekey id must be 1..${MAX_PREKEY_ID}`);
  const keys: OneTimePreKey[] = [];
  let id = firstId;
  for (let i = 0; i < count; i++) {
    keys.push({ id, keyPair: provider.x25519GenerateKeyPair() });
    id = nextPreKeyId(id);
  }
  return keys;
}

export function generateKemPreKey(
  provider: CryptoProvider,
  identity: IdentityKeyPair,
  id: number,
  now: number,
  lastResort: boolean,
): KemPreKey {
  if (!isValidPreKeyId(id)) throw new RangeError(`prekey id must be 1..${MAX_PREKEY_ID}`);
  const keyPair = provider.mlKem768GenerateKeyPair();
  const signature = provider.ed25519Sign(identity.signing, kemPreKeySigningBytes(id, keyPair.publicKey));
  return { id, keyPair, signature, createdAt: now, lastResort };
}

/** `count` signed one-time KEM prekeys with consecutive ids from `firstId` (wrapping like curve prekeys). */
export function generateKemOneTimePreKeys(provider: CryptoProvider, identity: IdentityKeyPair, firstId: number, count: number, now: number): KemPreKey[] {
  const keys: KemPreKey[] = [];
  let id = firstId;
  for (let i = 0; i < count; i++) {
    keys.push(generateKemPreKey(provider, identity, id, now, false));
    id = nextPreKeyId(id);
  }
  return keys;
}

export function shouldRotateSignedPreKey(
  current: Pick<SignedPreKey, 'createdAt'> | undefined,
  now: number,
  rotationMs = SIGNED_PREKEY_ROTATION_MS,
): boolean {
  return current === undefined || now - current.createdAt >= rotationMs || now < current.createdAt;
}

/**
 * Ids of signed prekeys to delete: all but the current one once they are older than the retention window
 * (measured from when they were replaced, approximated by their successor's creation time).
 */
export function signedPreKeysToRetire(
  keys: readonly Pick<SignedPreKey, 'id' | 'createdAt'>[],
  currentId: number,
  now: number,
  retentionMs = SIGNED_PREKEY_RETENTION_MS,
): number[] {
  const sorted = [...keys].sort((a, b) => a.createdAt - b.createdAt);
  const retire: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const key = sorted[i]!;
    if (key.id === currentId) continue;
    const replacedAt = sorted[i + 1]?.createdAt ?? now;
    if (now - replacedAt >= retentionMs) retire.push(key.id);
  }
  return retire;
}

export function needsOneTimePreKeyRefill(remainingOnRelay: number, lowWater = ONE_TIME_PREKEY_LOW_WATER): boolean {
  return remainingOnRelay < lowWater;
}
