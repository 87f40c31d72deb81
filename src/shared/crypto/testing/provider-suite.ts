// The published-vector suite every CryptoProvider must pass, shared by the noble and node:crypto tests.
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../bytes';
import { isCryptoError } from '../errors';
import type { CryptoProvider } from '../provider';
import {
  CHACHA20_POLY1305_VECTOR,
  ED25519_VECTORS,
  HKDF_SHA256_VECTORS,
  HMAC_SHA256_VECTORS,
  X25519_DH_VECTOR,
  X25519_ITERATED,
  X25519_LOW_ORDER_POINTS,
  X25519_SCALAR_VECTORS,
} from './published-vectors';

export function describePublishedVectors(provider: CryptoProvider, options: { iterated1000?: boolean } = {}): void {
  describe(`${provider.name} provider: published vectors`, () => {
    it.each(HKDF_SHA256_VECTORS)('HKDF-SHA256 $name', (v) => {
      expect(toHex(provider.hkdfSha256(fromHex(v.ikm), fromHex(v.salt), fromHex(v.info), v.length))).toBe(v.okm);
    });

    it.each(HMAC_SHA256_VECTORS)('HMAC-SHA256 $name', (v) => {
      expect(toHex(provider.hmacSha256(fromHex(v.key), fromHex(v.data)))).toBe(v.mac);
    });

    it.each(X25519_SCALAR_VECTORS)('X25519 RFC 7748 §5.2 scalar $scalar', (v) => {
      const secretKey = fromHex(v.scalar);
      const ours = { secretKey, publicKey: provider.x25519PublicKey(secretKey) };
      expect(toHex(provider.x25519(ours, fromHex(v.u)))).toBe(v.out);
    });

    it('X25519 RFC 7748 §6.1 key derivation and agreement', () => {
      const v = X25519_DH_VECTOR;
      const alice = { secretKey: fromHex(v.alicePrivate), publicKey: fromHex(v.alicePublic) };
      const bob = { secretKey: fromHex(v.bobPrivate), publicKey: fromHex(v.bobPublic) };
      expect(toHex(provider.x25519PublicKey(alice.secretKey))).toBe(v.alicePublic);
      expect(toHex(provider.x25519PublicKey(bob.secretKey))).toBe(v.bobPublic);
      expect(toHex(provider.x25519(alice, bob.publicKey))).toBe(v.shared);
      expect(toHex(provider.x25519(bob, alice.publicKey))).toBe(v.shared);
    });

    it(`X25519 RFC 7748 §5.2 iterated (1${options.iterated1000 ? ' and 1,000' : ''} iterations)`, () => {
      let k = fromHex('09'.padEnd(64, '0'));
      let u = k;
      const rounds = options.iterated1000 ? 1000 : 1;
      for (let i = 1; i <= rounds; i++) {
        const next = provider.x25519({ secretKey: k, publicKey: provider.x25519PublicKey(k) }, u);
        u = k;
        k = next;
        if (i === 1) expect(toHex(k)).toBe(X25519_ITERATED.after1);
      }
      if (options.iterated1000) expect(toHex(k)).toBe(X25519_ITERATED.after1000);
    });

    it.each(X25519_LOW_ORDER_POINTS)('X25519 refuses the low-order point %s', (point) => {
      let error: unknown;
      try {
        provider.x25519(provider.x25519GenerateKeyPair(), fromHex(point));
      } catch (e) {
        error = e;
      }
      expect(isCryptoError(error, 'bad_key')).toBe(true);
    });

    it.each(ED25519_VECTORS)('Ed25519 $name', (v) => {
      const pair = { secretKey: fromHex(v.secretKey), publicKey: fromHex(v.publicKey) };
      const message = fromHex(v.message);
      expect(toHex(provider.ed25519PublicKey(pair.secretKey))).toBe(v.publicKey);
      expect(toHex(provider.ed25519Sign(pair, message))).toBe(v.signature);
      expect(provider.ed25519Verify(pair.publicKey, message, fromHex(v.signature))).toBe(true);
      const forged = fromHex(v.signature);
      forged[0]! ^= 1;
      expect(provider.ed25519Verify(pair.publicKey, message, forged)).toBe(false);
      expect(provider.ed25519Verify(pair.publicKey, Uint8Array.of(...message, 0), fromHex(v.signature))).toBe(false);
    });

    it('ChaCha20-Poly1305 RFC 8439 §2.8.2', () => {
      const v = CHACHA20_POLY1305_VECTOR;
      const [key, nonce, aad] = [fromHex(v.key), fromHex(v.nonce), fromHex(v.aad)];
      const sealed = provider.aeadEncrypt(key, nonce, fromHex(v.plaintext), aad);
      expect(toHex(sealed)).toBe(v.ciphertext + v.tag);
      expect(toHex(provider.aeadDecrypt(key, nonce, sealed, aad)!)).toBe(v.plaintext);
      const tampered = sealed.slice();
      tampered[10]! ^= 0x80;
      expect(provider.aeadDecrypt(key, nonce, tampered, aad)).toBeNull();
      expect(provider.aeadDecrypt(key, nonce, sealed, fromHex('00'))).toBeNull();
      expect(provider.aeadDecrypt(key, nonce, sealed.subarray(0, 15), aad)).toBeNull();
    });

    it('generates distinct, well-formed keys and randomness', () => {
      const x = provider.x25519GenerateKeyPair();
      expect(toHex(provider.x25519PublicKey(x.secretKey))).toBe(toHex(x.publicKey));
      const e = provider.ed25519GenerateKeyPair();
      expect(toHex(provider.ed25519PublicKey(e.secretKey))).toBe(toHex(e.publicKey));
      expect(toHex(provider.randomBytes(32))).not.toBe(toHex(provider.randomBytes(32)));
      expect(provider.randomBytes(7)).toHaveLength(7);
    });
  });
}
