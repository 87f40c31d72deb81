import { describe, expect, it } from 'vitest';
import { createPreKeyBundle } from '../../../shared/crypto/bundle';
import { isCryptoError } from '../../../shared/crypto/errors';
import { generateIdentityKeyPair, type IdentityKeyPair } from '../../../shared/crypto/identity';
import { generateKemPreKey, generateOneTimePreKeys, generateSignedPreKey, type KemPreKey, type OneTimePreKey, type SignedPreKey } from '../../../shared/crypto/prekeys';
import { sessionEncrypt, sessionInitiate, type SessionState } from '../../../shared/crypto/session';
import { nodeCryptoProvider as provider } from '../crypto/node-provider';
import { decryptPairwise, type PreKeyLookup } from './pairwiseDecrypt';
import { decodeDeviceSessions, encodeDeviceSessions, isRetiredBaseKey, withSessions, type DeviceSessions } from './SessionStore';

const encodeSessions = (sessions: readonly SessionState[]) => encodeDeviceSessions({ sessions, retiredBaseKeys: [] });
const decodeSessions = (bytes: Uint8Array) => decodeDeviceSessions(bytes).sessions;

interface Party {
  identity: IdentityKeyPair;
  signed: SignedPreKey;
  oneTime: OneTimePreKey[];
  lastResort: KemPreKey;
  lookup: PreKeyLookup;
}

function party(): Party {
  const identity = generateIdentityKeyPair(provider);
  const signed = generateSignedPreKey(provider, identity, 1, Date.now());
  const oneTime = generateOneTimePreKeys(provider, 1, 3);
  const lastResort = generateKemPreKey(provider, identity, 50, Date.now(), true);
  return {
    identity,
    signed,
    oneTime,
    lastResort,
    lookup: {
      signedPreKey: (id) => (id === 1 ? signed : undefined),
      oneTimePreKey: (id) => oneTime.find((k) => k.id === id),
      kemPreKey: (id) => (id === 50 ? lastResort : undefined),
    },
  };
}

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

function send(sessions: SessionState[], plaintext: string): { sessions: SessionState[]; message: Uint8Array; kind: 'preKey' | 'ratchet' } {
  const { session, message } = sessionEncrypt(provider, sessions[0]!, bytes(plaintext));
  return { sessions: [session, ...sessions.slice(1)], message, kind: session.pendingPreKey ? 'preKey' : 'ratchet' };
}

describe('pairwise decryption over a device’s sessions', () => {
  it('converges when both sides start a session at the same time', () => {
    const alice = party();
    const bob = party();
    let aliceSessions = [sessionInitiate(provider, alice.identity, createPreKeyBundle(bob.identity, bob.signed, bob.lastResort, bob.oneTime[0]))];
    let bobSessions = [sessionInitiate(provider, bob.identity, createPreKeyBundle(alice.identity, alice.signed, alice.lastResort, alice.oneTime[0]))];
    const fromAlice = send(aliceSessions, 'hi from alice');
    aliceSessions = fromAlice.sessions;
    const fromBob = send(bobSessions, 'hi from bob');
    bobSessions = fromBob.sessions;
    // Each side answers the other's prekey message with a new session in front; its own stays behind.
    const atBob = decryptPairwise(provider, bob.identity, bobSessions, 'preKey', fromAlice.message, bob.lookup);
    expect(text(atBob.plaintext)).toBe('hi from alice');
    expect(atBob).toMatchObject({ newSession: true, usedOneTimePreKeyId: 1 });
    bobSessions = atBob.sessions;
    const atAlice = decryptPairwise(provider, alice.identity, aliceSessions, 'preKey', fromBob.message, alice.lookup);
    aliceSessions = atAlice.sessions;
    expect(aliceSessions).toHaveLength(2);
    // Whatever each now sends on its active session, the other finds the session that opens it and adopts it.
    for (let round = 0; round < 3; round++) {
      const a = send(aliceSessions, `a${round}`);
      aliceSessions = a.sessions;
      const got = decryptPairwise(provider, bob.identity, bobSessions, a.kind, a.message, bob.lookup);
      expect(text(got.plaintext)).toBe(`a${round}`);
      bobSessions = got.sessions;
      const b = send(bobSessions, `b${round}`);
      bobSessions = b.sessions;
      const back = decryptPairwise(provider, alice.identity, aliceSessions, b.kind, b.message, alice.lookup);
      expect(text(back.plaintext)).toBe(`b${round}`);
      aliceSessions = back.sessions;
    }
    expect(aliceSessions[0]!.baseKey).toEqual(bobSessions[0]!.baseKey);
  });

  it('a repeated prekey message continues its session instead of starting another', () => {
    const alice = party();
    const bob = party();
    let aliceSessions = [sessionInitiate(provider, alice.identity, createPreKeyBundle(bob.identity, bob.signed, bob.lastResort, bob.oneTime[1]))];
    const first = send(aliceSessions, 'one');
    aliceSessions = first.sessions;
    const second = send(aliceSessions, 'two');
    const atBob = decryptPairwise(provider, bob.identity, [], 'preKey', first.message, bob.lookup);
    const again = decryptPairwise(provider, bob.identity, atBob.sessions, 'preKey', second.message, {
      ...bob.lookup,
      oneTimePreKey: () => undefined, // consumed by the first
    });
    expect(text(again.plaintext)).toBe('two');
    expect(again.newSession).toBe(false);
    expect(again.sessions).toHaveLength(1);
  });

  it('fails with the active session’s error and hands back nothing; a session round-trips through its record', () => {
    const alice = party();
    const bob = party();
    const aliceSessions = [sessionInitiate(provider, alice.identity, createPreKeyBundle(bob.identity, bob.signed, bob.lastResort))];
    const first = send(aliceSessions, 'one');
    const atBob = decryptPairwise(provider, bob.identity, [], 'preKey', first.message, bob.lookup);
    const stored = encodeSessions(atBob.sessions);
    expect(encodeSessions(decodeSessions(stored))).toEqual(stored);
    const replay = () => decryptPairwise(provider, bob.identity, atBob.sessions, 'preKey', first.message, bob.lookup);
    expect(() => replay()).toThrow();
    try {
      replay();
    } catch (error) {
      expect(isCryptoError(error, 'replayed')).toBe(true);
    }
    expect(encodeSessions(atBob.sessions)).toEqual(stored);
    expect(() => decryptPairwise(provider, bob.identity, [], 'ratchet', first.message.subarray(0, 10), bob.lookup)).toThrow(/no session/);
  });

  it('a first message replayed after its session was dropped does not start a session again', () => {
    const alice = party();
    const bob = party();
    // No one-time prekey: the case the X3DH and PQXDH specs warn about.
    const first = send([sessionInitiate(provider, alice.identity, createPreKeyBundle(bob.identity, bob.signed, bob.lastResort))], 'once');
    let record: DeviceSessions = { sessions: [], retiredBaseKeys: [] };
    const started = decryptPairwise(provider, bob.identity, record.sessions, 'preKey', first.message, bob.lookup);
    record = withSessions(record, started.sessions);
    // Five newer sessions push it out of the kept list.
    for (let i = 0; i < 5; i++) {
      const other = send([sessionInitiate(provider, alice.identity, createPreKeyBundle(bob.identity, bob.signed, bob.lastResort))], `n${i}`);
      record = withSessions(record, decryptPairwise(provider, bob.identity, record.sessions, 'preKey', other.message, bob.lookup).sessions);
    }
    expect(record.sessions).toHaveLength(5);
    const lookup = { ...bob.lookup, isRetiredBaseKey: (key: Uint8Array) => isRetiredBaseKey(record, key) };
    expect(() => decryptPairwise(provider, bob.identity, record.sessions, 'preKey', first.message, lookup)).toThrow(/already used/);
    expect(decodeDeviceSessions(encodeDeviceSessions(record)).retiredBaseKeys).toHaveLength(1);
  });
});
