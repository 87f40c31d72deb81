// Safety numbers against libsignal's Fingerprint (Signal's own implementation) as the test vectors: fixed cases
// recorded from @signalapp/libsignal-client 0.103.0, and random keys checked live against the same library.
import { Fingerprint, PublicKey } from '@signalapp/libsignal-client';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeIdentityKey, identityKeyPairFromSeed } from './identity';
import { nobleCryptoProvider as provider } from './noble-provider';
import { formatSafetyNumber, safetyNumber, SAFETY_NUMBER_ITERATIONS } from './safety-number';

const seeded = (byte: number) => identityKeyPairFromSeed(provider, new Uint8Array(32).fill(byte)).signing.publicKey;
const utf8 = (s: string) => new Uint8Array(new TextEncoder().encode(s)) as Uint8Array<ArrayBuffer>;

function libsignalSafetyNumber(localId: string, localKey: Uint8Array, remoteId: string, remoteKey: Uint8Array): string {
  const key = (k: Uint8Array) => PublicKey.deserialize(new Uint8Array(encodeIdentityKey(provider, k)) as Uint8Array<ArrayBuffer>);
  return Fingerprint.new(SAFETY_NUMBER_ITERATIONS, 2, utf8(localId), key(localKey), utf8(remoteId), key(remoteKey))
    .displayableFingerprint()
    .toString();
}

describe('safety numbers', () => {
  it.each([
    { a: 1, aId: 'alice', b: 2, bId: 'bob', expected: '254133151236949089157874775541289870851061173011932822619379' },
    {
      a: 3,
      aId: 'carol.example',
      b: 4,
      bId: 'dave_42',
      expected: '404274749808130262336710430191697306969428261845410243716921',
    },
  ])('matches the number libsignal printed for seeds $a/$b', ({ a, aId, b, bId, expected }) => {
    const local = { identifier: aId, identityKey: seeded(a) };
    const remote = { identifier: bId, identityKey: seeded(b) };
    expect(safetyNumber(provider, local, remote)).toBe(expected);
    expect(safetyNumber(provider, remote, local)).toBe(expected);
    expect(formatSafetyNumber(expected)).toHaveLength(12);
  });

  it('matches libsignal live for random keys and identifiers, from both sides', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.string({ minLength: 1, maxLength: 40 }),
        (seedA, seedB, aId, bId) => {
          const a = identityKeyPairFromSeed(provider, seedA).signing.publicKey;
          const b = identityKeyPairFromSeed(provider, seedB).signing.publicKey;
          const ours = safetyNumber(provider, { identifier: aId, identityKey: a }, { identifier: bId, identityKey: b });
          expect(ours).toMatch(/^\d{60}$/);
          expect(ours).toBe(libsignalSafetyNumber(aId, a, bId, b));
          expect(ours).toBe(libsignalSafetyNumber(bId, b, aId, a));
        },
      ),
      { numRuns: 4 },
    );
  });

  it('changes when either identity key changes', () => {
    const base = safetyNumber(provider, { identifier: 'alice', identityKey: seeded(1) }, { identifier: 'bob', identityKey: seeded(2) });
    expect(safetyNumber(provider, { identifier: 'alice', identityKey: seeded(1) }, { identifier: 'bob', identityKey: seeded(5) })).not.toBe(base);
    expect(safetyNumber(provider, { identifier: 'alice', identityKey: seeded(6) }, { identifier: 'bob', identityKey: seeded(2) })).not.toBe(base);
  });
});
