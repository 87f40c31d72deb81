// The accelerated CryptoProvider for the main process: the same primitives as the noble reference, computed by
// node:crypto (OpenSSL), byte for byte identical (node-provider.test.ts proves it). Used where the benchmark
// shows the DH-bound paths far behind libsignal with noble. Never imports electron; never logs key material.
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  hkdfSync,
  randomBytes,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { CryptoError } from '../../../shared/crypto/errors';
import { mlKem768 } from '../../../shared/crypto/ml-kem';
import { loadLiboqsMlKem768 } from './liboqs-ml-kem';
import { nobleCryptoProvider } from '../../../shared/crypto/noble-provider';
import {
  AEAD_TAG_BYTES,
  ED25519_PUBLIC_KEY_BYTES,
  ED25519_SIGNATURE_BYTES,
  X25519_KEY_BYTES,
  type CryptoProvider,
  type KeyPair,
} from '../../../shared/crypto/provider';
import { bytesEqual } from '../../../shared/base';
import { isAllZero } from '../../../shared/crypto/bytes';

type Curve = 'X25519' | 'Ed25519';

const b64u = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
/** A plain Uint8Array copy: results never alias Node's shared Buffer pool. */
// (new Uint8Array(typedArray) copies; Buffer#slice would not.)
const plain = (bytes: Uint8Array | ArrayBuffer): Uint8Array => new Uint8Array(bytes);
const fromB64u = (text: string): Uint8Array => plain(Buffer.from(text, 'base64url'));

// Raw keys become KeyObjects through JWK: OpenSSL 3.0's DER decoders are ~10× slower. Imported KeyObjects are
// cached per Uint8Array instance (a ratchet key is used for two agreements, a sender's signature key for every
// message); the entry keeps a copy of the bytes and is dropped with the array, so a mutated array is re-imported
// and a deleted key does not outlive its state.
type Cache = WeakMap<Uint8Array, { bytes: Uint8Array; key: KeyObject }>;
// One cache per curve and kind, so the same array used once as a secret and once as a public value never mixes.
const caches: Record<`${Curve}:${'public' | 'private'}`, Cache> = {
  'X25519:public': new WeakMap(),
  'X25519:private': new WeakMap(),
  'Ed25519:public': new WeakMap(),
  'Ed25519:private': new WeakMap(),
};

function cached(cache: Cache, bytes: Uint8Array, make: () => KeyObject): KeyObject {
  const hit = cache.get(bytes);
  if (hit && bytesEqual(hit.bytes, bytes)) return hit.key;
  const key = make();
  cache.set(bytes, { bytes: new Uint8Array(bytes), key });
  return key;
}

const publicKeyObject = (crv: Curve, publicKey: Uint8Array): KeyObject =>
  cached(caches[`${crv}:public`], publicKey, () =>
    createPublicKey({ key: { kty: 'OKP', crv, x: b64u(publicKey) }, format: 'jwk' }),
  );

/**
 * A private key from its 32 secret bytes. Node's JWK import reads the key from `d` alone and OpenSSL derives the
 * public half (Node 20 through 24); `x` must be a string but is not read, so it is left empty rather than encoded.
 */
function importPrivateKey(crv: Curve, secretKey: Uint8Array): KeyObject {
  if (secretKey.length !== 32) throw new CryptoError('bad_key', `${crv} secret key must be 32 bytes`);
  return createPrivateKey({ key: { kty: 'OKP', crv, d: b64u(secretKey), x: '' }, format: 'jwk' });
}

const privateKeyObject = (crv: Curve, secretKey: Uint8Array): KeyObject =>
  cached(caches[`${crv}:private`], secretKey, () => importPrivateKey(crv, secretKey));

/** The raw public half of a private key (X25519(k, 9), or the Ed25519 public key of a seed). */
const publicHalf = (key: KeyObject): Uint8Array => fromB64u(String(createPublicKey(key).export({ format: 'jwk' }).x));

/**
 * A fresh pair: 32 random secret bytes (what OpenSSL's and noble's generators draw as well), imported once (the
 * KeyObject is cached for the pair's first agreement or signature), its public half read from it. Node's key
 * generator is not used: its output would have to be imported again, and on Node 20 exporting a KeyObject it made
 * as JWK can deadlock when GC collects the generating job mid-export (seen on this machine).
 */
function generate(crv: Curve): KeyPair {
  const secretKey = plain(randomBytes(32));
  return { secretKey, publicKey: publicHalf(privateKeyObject(crv, secretKey)) };
}

function x25519Agree(ours: KeyPair, theirPublicKey: Uint8Array): Uint8Array {
  if (theirPublicKey.length !== X25519_KEY_BYTES) throw new CryptoError('bad_key', 'X25519 public key must be 32 bytes');
  if (ours.secretKey.length !== X25519_KEY_BYTES) throw new CryptoError('bad_key', 'X25519 secret key must be 32 bytes');
  let shared: Uint8Array;
  try {
    shared = plain(
      diffieHellman({ privateKey: privateKeyObject('X25519', ours.secretKey), publicKey: publicKeyObject('X25519', theirPublicKey) }),
    );
  } catch {
    // OpenSSL refuses an all-zero result (a low-order peer key); report it the way every provider does.
    throw new CryptoError('bad_key', 'X25519 agreement with a low-order public key');
  }
  if (isAllZero(shared)) throw new CryptoError('bad_key', 'X25519 agreement with a low-order public key');
  return shared;
}

// Node 20's crypto has no ML-KEM: liboqs in WebAssembly computes it (a fifth of noble's CPU), loaded once when this
// module is; noble's implementation, byte for byte the same, is the fallback where WebAssembly cannot run.
const liboqs = await loadLiboqsMlKem768().catch(() => undefined);

/** Which ML-KEM-768 implementation the node provider uses (for tests and the benchmark's labels). */
export const nodeMlKemBackend: 'liboqs-wasm' | 'noble' = liboqs ? 'liboqs-wasm' : 'noble';

export const nodeCryptoProvider: CryptoProvider = {
  name: 'node',

  randomBytes: (length) => plain(randomBytes(length)),

  x25519GenerateKeyPair: () => generate('X25519'),
  x25519PublicKey: (secretKey) => publicHalf(privateKeyObject('X25519', secretKey)),
  x25519: x25519Agree,

  ed25519GenerateKeyPair: () => generate('Ed25519'),
  ed25519PublicKey: (secretKey) => publicHalf(privateKeyObject('Ed25519', secretKey)),
  ed25519Sign: (keyPair, message) => plain(sign(null, message, privateKeyObject('Ed25519', keyPair.secretKey))),
  ed25519Verify(publicKey, message, signature) {
    if (publicKey.length !== ED25519_PUBLIC_KEY_BYTES || signature.length !== ED25519_SIGNATURE_BYTES) return false;
    try {
      return verify(null, message, publicKeyObject('Ed25519', publicKey), signature);
    } catch {
      return false;
    }
  },

  // OpenSSL has no Edwards → Montgomery map; the point decoding is noble's (identity keys are few and memoized).
  ed25519PublicKeyToX25519: (publicKey) => nobleCryptoProvider.ed25519PublicKeyToX25519(publicKey),
  ed25519SecretKeyToX25519(seed) {
    if (seed.length !== 32) throw new CryptoError('bad_key', 'Ed25519 seed must be 32 bytes');
    const scalar = plain(createHash('sha512').update(seed).digest()).slice(0, 32);
    // RFC 7748 §5 clamping, as Ed25519 (RFC 8032 §5.1.5) prunes the same half.
    scalar[0]! &= 248;
    scalar[31]! &= 127;
    scalar[31]! |= 64;
    return scalar;
  },

  ...(liboqs ?? mlKem768),

  sha512: (data) => plain(createHash('sha512').update(data).digest()),
  hmacSha256: (key, data) => plain(createHmac('sha256', key).update(data).digest()),
  hkdfSha256: (ikm, salt, info, length) => plain(hkdfSync('sha256', ikm, salt, info, length)),

  aeadEncrypt(key, nonce, plaintext, associatedData) {
    const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: AEAD_TAG_BYTES });
    cipher.setAAD(associatedData, { plaintextLength: plaintext.length });
    const head = cipher.update(plaintext);
    const tail = cipher.final();
    const out = new Uint8Array(head.length + tail.length + AEAD_TAG_BYTES);
    out.set(head, 0);
    out.set(tail, head.length);
    out.set(cipher.getAuthTag(), head.length + tail.length);
    return out;
  },
  aeadDecrypt(key, nonce, ciphertext, associatedData) {
    if (ciphertext.length < AEAD_TAG_BYTES) return null;
    const body = ciphertext.subarray(0, ciphertext.length - AEAD_TAG_BYTES);
    try {
      const decipher = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: AEAD_TAG_BYTES });
      decipher.setAuthTag(ciphertext.subarray(body.length));
      decipher.setAAD(associatedData, { plaintextLength: body.length });
      const head = decipher.update(body);
      const tail = decipher.final();
      const out = new Uint8Array(head.length + tail.length);
      out.set(head, 0);
      out.set(tail, head.length);
      return out;
    } catch {
      return null;
    }
  },
};
