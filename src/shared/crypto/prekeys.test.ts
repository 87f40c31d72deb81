import { describe, expect, it } from 'vitest';
import { generateIdentityKeyPair } from './identity';
import { nobleCryptoProvider as provider } from './noble-provider';
import {
  generateOneTimePreKeys,
  generateSignedPreKey,
  MAX_PREKEY_ID,
  needsOneTimePreKeyRefill,
  nextPreKeyId,
  shouldRotateSignedPreKey,
  signedPreKeysToRetire,
  signedPreKeySigningBytes,
  SIGNED_PREKEY_RETENTION_MS,
  SIGNED_PREKEY_ROTATION_MS,
} from './prekeys';

const DAY = 24 * 60 * 60 * 1000;

describe('prekeys', () => {
  it('a signed prekey carries a verifiable, domain-separated signature by the identity key', () => {
    const identity = generateIdentityKeyPair(provider);
    const spk = generateSignedPreKey(provider, identity, 7, 123);
    const bytes = signedPreKeySigningBytes(7, spk.keyPair.publicKey);
    expect(new TextDecoder().decode(bytes.subarray(0, 23))).toBe('parley-signed-prekey-v1');
    expect(provider.ed25519Verify(identity.signing.publicKey, bytes, spk.signature)).toBe(true);
    expect(provider.ed25519Verify(identity.signing.publicKey, signedPreKeySigningBytes(8, spk.keyPair.publicKey), spk.signature)).toBe(false);
    expect(() => generateSignedPreKey(provider, identity, 0, 0)).toThrow(RangeError);
  });

  it('one-time prekeys get consecutive ids that wrap to 1 after the 24-bit maximum', () => {
    const keys = generateOneTimePreKeys(provider, MAX_PREKEY_ID - 1, 3);
    expect(keys.map((k) => k.id)).toEqual([MAX_PREKEY_ID - 1, MAX_PREKEY_ID, 1]);
    expect(new Set(keys.map((k) => k.keyPair.publicKey.join())).size).toBe(3);
    expect(nextPreKeyId(0)).toBe(1);
  });

  it('rotation schedule: rotate weekly (or if the clock went backwards), retire a month after replacement', () => {
    expect(shouldRotateSignedPreKey(undefined, 0)).toBe(true);
    expect(shouldRotateSignedPreKey({ createdAt: 0 }, SIGNED_PREKEY_ROTATION_MS - 1)).toBe(false);
    expect(shouldRotateSignedPreKey({ createdAt: 0 }, SIGNED_PREKEY_ROTATION_MS)).toBe(true);
    expect(shouldRotateSignedPreKey({ createdAt: 10 * DAY }, 0)).toBe(true);
    const keys = [
      { id: 1, createdAt: 0 },
      { id: 2, createdAt: 7 * DAY },
      { id: 3, createdAt: 14 * DAY },
    ];
    expect(signedPreKeysToRetire(keys, 3, 14 * DAY)).toEqual([]);
    expect(signedPreKeysToRetire(keys, 3, 7 * DAY + SIGNED_PREKEY_RETENTION_MS)).toEqual([1]);
    expect(signedPreKeysToRetire(keys, 3, 14 * DAY + SIGNED_PREKEY_RETENTION_MS)).toEqual([1, 2]);
    expect(needsOneTimePreKeyRefill(5)).toBe(true);
    expect(needsOneTimePreKeyRefill(50)).toBe(false);
  });
});
