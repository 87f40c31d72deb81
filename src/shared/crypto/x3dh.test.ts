import { describe, expect, it } from 'vitest';
import { deserializePreKeyBundle, serializePreKeyBundle, verifyPreKeyBundle, type PreKeyBundle } from './bundle';
import { toHex } from './bytes';
import { encodeIdentityKey, identityAgreementKey, identityKeyPairFromSeed } from './identity';
import { nobleCryptoProvider as provider } from './noble-provider';
import { generateSignedPreKey } from './prekeys';
import { errorCode } from './testing/errors';
import { bundleOf, makeDevice } from './testing/fixtures';
import { x3dhAssociatedData, x3dhInitiate, x3dhRespond } from './x3dh';

describe('X3DH', () => {
  const alice = makeDevice(provider);
  const bob = makeDevice(provider);

  it.each([true, false])('both sides derive the same SK and AD (one-time prekey: %s)', (withOpk) => {
    const init = x3dhInitiate(provider, alice.identity, bundleOf(bob, withOpk));
    expect(init.header.oneTimePreKeyId).toBe(withOpk ? bob.oneTimePreKeys[0]!.id : undefined);
    const resp = x3dhRespond(provider, bob.identity, init.header, bob.signedPreKey, withOpk ? bob.oneTimePreKeys[0] : undefined);
    expect(init.sharedSecret).toHaveLength(32);
    expect(toHex(resp.sharedSecret)).toBe(toHex(init.sharedSecret));
    expect(toHex(resp.associatedData)).toBe(toHex(init.associatedData));
    expect(toHex(init.associatedData)).toBe(
      toHex(Uint8Array.of(...encodeIdentityKey(provider, alice.identity.signing.publicKey), ...encodeIdentityKey(provider, bob.identity.signing.publicKey))),
    );
  });

  it('the one-time prekey changes the secret, and each run uses a fresh ephemeral key', () => {
    const a = x3dhInitiate(provider, alice.identity, bundleOf(bob, true));
    const b = x3dhInitiate(provider, alice.identity, bundleOf(bob, true));
    expect(toHex(a.header.ephemeralKey)).not.toBe(toHex(b.header.ephemeralKey));
    expect(toHex(a.sharedSecret)).not.toBe(toHex(b.sharedSecret));
    const eph = provider.x25519GenerateKeyPair();
    const withOpk = x3dhInitiate(provider, alice.identity, bundleOf(bob, true), { ephemeralKeyPair: eph });
    const without = x3dhInitiate(provider, alice.identity, bundleOf(bob, false), { ephemeralKeyPair: eph });
    expect(toHex(withOpk.sharedSecret)).not.toBe(toHex(without.sharedSecret));
  });

  it('a responder with other prekeys, or another identity, derives a different secret', () => {
    const init = x3dhInitiate(provider, alice.identity, bundleOf(bob, false));
    const mallory = makeDevice(provider);
    const resp = x3dhRespond(provider, mallory.identity, init.header, { ...mallory.signedPreKey, id: 1 }, undefined);
    expect(toHex(resp.sharedSecret)).not.toBe(toHex(init.sharedSecret));
  });

  it('rejects a forged bundle: signature by another key, swapped signed prekey, changed id', () => {
    const good = bundleOf(bob);
    const mallory = makeDevice(provider);
    const forgedBy: PreKeyBundle = { ...good, signedPreKey: { ...good.signedPreKey, signature: mallory.signedPreKey.signature } };
    const swapped: PreKeyBundle = { ...good, signedPreKey: { ...good.signedPreKey, publicKey: mallory.signedPreKey.keyPair.publicKey } };
    const renumbered: PreKeyBundle = { ...good, signedPreKey: { ...good.signedPreKey, id: 2 } };
    const otherIdentity: PreKeyBundle = { ...good, identityKey: mallory.identity.signing.publicKey };
    for (const bundle of [forgedBy, swapped, renumbered, otherIdentity]) {
      expect(errorCode(() => verifyPreKeyBundle(provider, bundle))).toBe('bad_signature');
      expect(errorCode(() => x3dhInitiate(provider, alice.identity, bundle))).toBe('bad_signature');
    }
    expect(errorCode(() => verifyPreKeyBundle(provider, good))).toBeUndefined();
  });

  it('rejects malformed bundles as bad_bundle', () => {
    const good = bundleOf(bob);
    const cases: PreKeyBundle[] = [
      { ...good, identityKey: good.identityKey.subarray(1) },
      { ...good, signedPreKey: { ...good.signedPreKey, id: 0 } },
      { ...good, signedPreKey: { ...good.signedPreKey, signature: new Uint8Array(63) } },
      { ...good, oneTimePreKey: { id: 1, publicKey: new Uint8Array(31) } },
    ];
    for (const bundle of cases) expect(errorCode(() => verifyPreKeyBundle(provider, bundle))).toBe('bad_bundle');
    // An identity key that is not a point on the curve (y = 2 has no x on Ed25519).
    const notAPoint = new Uint8Array(32);
    notAPoint[0] = 2;
    expect(errorCode(() => verifyPreKeyBundle(provider, { ...good, identityKey: notAPoint }))).toBe('bad_bundle');
  });

  it('a signed prekey that is a low-order point fails the agreement with bad_key, even if signed', () => {
    const lowOrder = new Uint8Array(32);
    lowOrder[0] = 1;
    const spk = generateSignedPreKey(provider, bob.identity, 9, 0);
    const signed = generateSignedPreKey(
      { ...provider, x25519GenerateKeyPair: () => ({ secretKey: spk.keyPair.secretKey, publicKey: lowOrder }) },
      bob.identity,
      9,
      0,
    );
    const bundle: PreKeyBundle = { identityKey: bob.identity.signing.publicKey, signedPreKey: { id: 9, publicKey: lowOrder, signature: signed.signature } };
    expect(errorCode(() => x3dhInitiate(provider, alice.identity, bundle))).toBe('bad_key');
  });

  it('the responder refuses a header naming prekeys it does not hold', () => {
    const init = x3dhInitiate(provider, alice.identity, bundleOf(bob, true));
    expect(errorCode(() => x3dhRespond(provider, bob.identity, init.header, bob.signedPreKey, undefined))).toBe('unknown_prekey');
    expect(errorCode(() => x3dhRespond(provider, bob.identity, init.header, bob.signedPreKey, bob.oneTimePreKeys[1]))).toBe('unknown_prekey');
    expect(errorCode(() => x3dhRespond(provider, bob.identity, init.header, undefined, bob.oneTimePreKeys[0]))).toBe('unknown_prekey');
    const other = { ...bob.signedPreKey, id: 2 };
    expect(errorCode(() => x3dhRespond(provider, bob.identity, init.header, other, bob.oneTimePreKeys[0]))).toBe('unknown_prekey');
  });

  it('bundles round-trip through bytes, with and without a one-time prekey, and reject bad bytes', () => {
    for (const bundle of [bundleOf(bob, true), bundleOf(bob, false)]) {
      const bytes = serializePreKeyBundle(bundle);
      const back = deserializePreKeyBundle(bytes);
      expect(toHex(serializePreKeyBundle(back))).toBe(toHex(bytes));
      verifyPreKeyBundle(provider, back);
      expect(errorCode(() => deserializePreKeyBundle(bytes.subarray(0, bytes.length - 1)))).toBe('bad_bundle');
      expect(errorCode(() => deserializePreKeyBundle(Uint8Array.of(...bytes, 0)))).toBe('bad_bundle');
      expect(errorCode(() => deserializePreKeyBundle(Uint8Array.of(0x52, ...bytes.subarray(1))))).toBe('bad_bundle');
    }
  });

  it('the identity key pair is the Ed25519 seed and its X25519 form (birational map)', () => {
    const seed = new Uint8Array(32).fill(7);
    const id = identityKeyPairFromSeed(provider, seed);
    expect(toHex(id.agreement.publicKey)).toBe(toHex(provider.x25519PublicKey(id.agreement.secretKey)));
    expect(toHex(identityAgreementKey(provider, id.signing.publicKey))).toBe(toHex(id.agreement.publicKey));
    expect(encodeIdentityKey(provider, id.signing.publicKey)[0]).toBe(0x05);
    expect(x3dhAssociatedData(provider, id.signing.publicKey, id.signing.publicKey)).toHaveLength(66);
  });
});
