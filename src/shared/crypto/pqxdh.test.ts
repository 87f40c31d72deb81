// PQXDH: both sides agree; the KEM secret, the one-time keys and the identities all change SK; forged, malformed
// and tampered inputs fail cleanly with typed errors. The KEM itself is checked against FIPS 203 in ml-kem.test.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deserializePreKeyBundle, serializePreKeyBundle, verifyPreKeyBundle, type PreKeyBundle } from './bundle';
import { toHex } from './bytes';
import { encodeIdentityKey, identityAgreementKey, identityKeyPairFromSeed } from './identity';
import { nobleCryptoProvider as provider } from './noble-provider';
import { generateKemPreKey, generateSignedPreKey } from './prekeys';
import { pqxdhInitiate, pqxdhRespond } from './pqxdh';
import { sessionEncrypt, sessionInitiate, sessionRespond } from './session';
import { errorCode } from './testing/errors';
import { bundleOf, makeDevice, preKeysOf } from './testing/fixtures';

describe('PQXDH', () => {
  const alice = makeDevice(provider);
  const bob = makeDevice(provider);

  it.each([true, false])('both sides derive the same SK and AD (one-time prekeys: %s)', (withOneTime) => {
    const init = pqxdhInitiate(provider, alice.identity, bundleOf(bob, withOneTime));
    expect(init.header.oneTimePreKeyId).toBe(withOneTime ? bob.oneTimePreKeys[0]!.id : undefined);
    expect(init.header.kemPreKeyId).toBe(withOneTime ? bob.kemPreKeys[0]!.id : bob.lastResortKemPreKey.id);
    expect(init.header.kemCiphertext).toHaveLength(1088);
    const resp = pqxdhRespond(provider, bob.identity, init.header, preKeysOf(bob, init.header));
    expect(init.sharedSecret).toHaveLength(32);
    expect(toHex(resp.sharedSecret)).toBe(toHex(init.sharedSecret));
    expect(toHex(resp.associatedData)).toBe(toHex(init.associatedData));
    expect(toHex(init.associatedData)).toBe(
      toHex(Uint8Array.of(...encodeIdentityKey(provider, alice.identity.signing.publicKey), ...encodeIdentityKey(provider, bob.identity.signing.publicKey))),
    );
  });

  it('every run uses a fresh ephemeral key and a fresh encapsulation; the KEM secret is in SK', () => {
    const eph = provider.x25519GenerateKeyPair();
    const a = pqxdhInitiate(provider, alice.identity, bundleOf(bob), { ephemeralKeyPair: eph });
    const b = pqxdhInitiate(provider, alice.identity, bundleOf(bob), { ephemeralKeyPair: eph });
    // Same curve keys on both runs: only the KEM differs, and SK with it.
    expect(toHex(a.header.kemCiphertext)).not.toBe(toHex(b.header.kemCiphertext));
    expect(toHex(a.sharedSecret)).not.toBe(toHex(b.sharedSecret));
    const withOpk = pqxdhInitiate(provider, alice.identity, bundleOf(bob, true));
    expect(toHex(withOpk.header.ephemeralKey)).not.toBe(toHex(a.header.ephemeralKey));
  });

  it('a tampered KEM ciphertext, or a different KEM key, makes the responder derive another SK: setup fails cleanly', () => {
    const init = pqxdhInitiate(provider, alice.identity, bundleOf(bob));
    const flipped = init.header.kemCiphertext.slice();
    flipped[500]! ^= 1;
    const tampered = pqxdhRespond(provider, bob.identity, { ...init.header, kemCiphertext: flipped }, preKeysOf(bob, init.header));
    expect(toHex(tampered.sharedSecret)).not.toBe(toHex(init.sharedSecret));
    // Through a session: the first message does not authenticate, and the responder's state is untouched.
    const first = sessionEncrypt(provider, sessionInitiate(provider, alice.identity, bundleOf(bob)), Uint8Array.of(1)).message;
    const ctAt = 1 + 32 + 32 + 4 + 1 + 4 + 4; // format, IK, EK, SPK id, OPK flag + id, KEM id
    const bad = first.slice();
    bad[ctAt + 10]! ^= 0x40;
    expect(errorCode(() => sessionRespond(provider, bob.identity, bad, { signedPreKey: bob.signedPreKey, oneTimePreKey: bob.oneTimePreKeys[0], kemPreKey: bob.kemPreKeys[0] }))).toBe('tampered');
    expect(errorCode(() => pqxdhRespond(provider, bob.identity, { ...init.header, kemCiphertext: flipped.subarray(1) }, preKeysOf(bob, init.header)))).toBe('bad_message');
    // The same ciphertext decapsulated with another KEM key of Bob's gives another secret.
    const wrongKey = pqxdhRespond(provider, bob.identity, { ...init.header, kemPreKeyId: bob.kemPreKeys[1]!.id }, { ...preKeysOf(bob, init.header), kemPreKey: bob.kemPreKeys[1] });
    expect(toHex(wrongKey.sharedSecret)).not.toBe(toHex(init.sharedSecret));
  });

  it('rejects a forged bundle: either signature by another key, a swapped prekey, a changed id', () => {
    const good = bundleOf(bob);
    const mallory = makeDevice(provider);
    const malloryKem = mallory.kemPreKeys[0]!;
    const forged: PreKeyBundle[] = [
      { ...good, signedPreKey: { ...good.signedPreKey, signature: mallory.signedPreKey.signature } },
      { ...good, signedPreKey: { ...good.signedPreKey, publicKey: mallory.signedPreKey.keyPair.publicKey } },
      { ...good, signedPreKey: { ...good.signedPreKey, id: 2 } },
      { ...good, identityKey: mallory.identity.signing.publicKey },
      // The KEM prekey: Mallory's key with Bob's signature, Bob's key with Mallory's, another id, another of Bob's keys.
      { ...good, kemPreKey: { ...good.kemPreKey, publicKey: malloryKem.keyPair.publicKey } },
      { ...good, kemPreKey: { ...good.kemPreKey, signature: malloryKem.signature } },
      { ...good, kemPreKey: { ...good.kemPreKey, id: good.kemPreKey.id + 1 } },
      { ...good, kemPreKey: { ...good.kemPreKey, publicKey: bob.kemPreKeys[1]!.keyPair.publicKey } },
    ];
    for (const bundle of forged) {
      expect(errorCode(() => verifyPreKeyBundle(provider, bundle))).toBe('bad_signature');
      expect(errorCode(() => pqxdhInitiate(provider, alice.identity, bundle))).toBe('bad_signature');
    }
    // A curve prekey's signature never passes for a KEM prekey's (different domains and type bytes).
    expect(errorCode(() => verifyPreKeyBundle(provider, { ...good, kemPreKey: { ...good.kemPreKey, signature: good.signedPreKey.signature } }))).toBe('bad_signature');
    expect(errorCode(() => verifyPreKeyBundle(provider, good))).toBeUndefined();
  });

  it('rejects malformed bundles as bad_bundle', () => {
    const good = bundleOf(bob);
    const cases: PreKeyBundle[] = [
      { ...good, identityKey: good.identityKey.subarray(1) },
      { ...good, signedPreKey: { ...good.signedPreKey, id: 0 } },
      { ...good, signedPreKey: { ...good.signedPreKey, signature: new Uint8Array(63) } },
      { ...good, oneTimePreKey: { id: 1, publicKey: new Uint8Array(31) } },
      { ...good, kemPreKey: { ...good.kemPreKey, publicKey: good.kemPreKey.publicKey.subarray(1) } },
      { ...good, kemPreKey: { ...good.kemPreKey, id: 0 } },
      { ...good, kemPreKey: undefined as unknown as PreKeyBundle['kemPreKey'] },
    ];
    for (const bundle of cases) expect(errorCode(() => verifyPreKeyBundle(provider, bundle))).toBe('bad_bundle');
    const notAPoint = new Uint8Array(32);
    notAPoint[0] = 2;
    expect(errorCode(() => verifyPreKeyBundle(provider, { ...good, identityKey: notAPoint }))).toBe('bad_bundle');
  });

  it('a signed KEM key that fails FIPS 203’s key check is refused as bad_bundle, even with a valid signature', () => {
    const unreduced = bob.kemPreKeys[0]!.keyPair.publicKey.slice();
    unreduced[0] = 0xff;
    unreduced[1] = 0xff; // a 12-bit coefficient ≥ q
    const signedBad = generateKemPreKey({ ...provider, mlKem768GenerateKeyPair: () => ({ publicKey: unreduced, secretKey: new Uint8Array(2400) }) }, bob.identity, 77, 0, false);
    const bundle = { ...bundleOf(bob), kemPreKey: { id: 77, publicKey: unreduced, signature: signedBad.signature } };
    expect(errorCode(() => pqxdhInitiate(provider, alice.identity, bundle))).toBe('bad_bundle');
  });

  it('a signed prekey that is a low-order point fails the agreement with bad_key, even if signed', () => {
    const lowOrder = new Uint8Array(32);
    lowOrder[0] = 1;
    const spk = generateSignedPreKey(provider, bob.identity, 9, 0);
    const signed = generateSignedPreKey({ ...provider, x25519GenerateKeyPair: () => ({ secretKey: spk.keyPair.secretKey, publicKey: lowOrder }) }, bob.identity, 9, 0);
    const bundle: PreKeyBundle = { ...bundleOf(bob, false), signedPreKey: { id: 9, publicKey: lowOrder, signature: signed.signature } };
    expect(errorCode(() => pqxdhInitiate(provider, alice.identity, bundle))).toBe('bad_key');
  });

  it('the responder refuses a header naming prekeys it does not hold', () => {
    const init = pqxdhInitiate(provider, alice.identity, bundleOf(bob, true));
    const held = preKeysOf(bob, init.header);
    for (const keys of [
      { ...held, oneTimePreKey: undefined },
      { ...held, oneTimePreKey: bob.oneTimePreKeys[1] },
      { ...held, signedPreKey: undefined },
      { ...held, signedPreKey: { ...bob.signedPreKey, id: 2 } },
      { ...held, kemPreKey: undefined },
      { ...held, kemPreKey: bob.lastResortKemPreKey },
    ]) {
      expect(errorCode(() => pqxdhRespond(provider, bob.identity, init.header, keys))).toBe('unknown_prekey');
    }
  });

  it('property: for any identities and either prekey set, both sides agree and a flipped ciphertext bit disagrees', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.boolean(), fc.nat({ max: 1087 }), (seed, withOneTime, at) => {
        const initiator = identityKeyPairFromSeed(provider, seed);
        const init = pqxdhInitiate(provider, initiator, bundleOf(bob, withOneTime));
        const resp = pqxdhRespond(provider, bob.identity, init.header, preKeysOf(bob, init.header));
        expect(toHex(resp.sharedSecret)).toBe(toHex(init.sharedSecret));
        const flipped = init.header.kemCiphertext.slice();
        flipped[at]! ^= 1;
        expect(toHex(pqxdhRespond(provider, bob.identity, { ...init.header, kemCiphertext: flipped }, preKeysOf(bob, init.header)).sharedSecret)).not.toBe(
          toHex(init.sharedSecret),
        );
      }),
      { numRuns: 15 },
    );
  });

  it('bundles round-trip through bytes, with and without one-time prekeys, and reject bad bytes', () => {
    for (const bundle of [bundleOf(bob, true), bundleOf(bob, false)]) {
      const bytes = serializePreKeyBundle(bundle);
      const back = deserializePreKeyBundle(bytes);
      expect(toHex(serializePreKeyBundle(back))).toBe(toHex(bytes));
      verifyPreKeyBundle(provider, back);
      expect(errorCode(() => deserializePreKeyBundle(bytes.subarray(0, bytes.length - 1)))).toBe('bad_bundle');
      expect(errorCode(() => deserializePreKeyBundle(Uint8Array.of(...bytes, 0)))).toBe('bad_bundle');
      expect(errorCode(() => deserializePreKeyBundle(Uint8Array.of(0x51, ...bytes.subarray(1))))).toBe('bad_bundle');
    }
  });

  it('the identity key pair is the Ed25519 seed and its X25519 form (birational map)', () => {
    const seed = new Uint8Array(32).fill(7);
    const id = identityKeyPairFromSeed(provider, seed);
    expect(toHex(id.agreement.publicKey)).toBe(toHex(provider.x25519PublicKey(id.agreement.secretKey)));
    expect(toHex(identityAgreementKey(provider, id.signing.publicKey))).toBe(toHex(id.agreement.publicKey));
    expect(encodeIdentityKey(provider, id.signing.publicKey)[0]).toBe(0x05);
  });
});
