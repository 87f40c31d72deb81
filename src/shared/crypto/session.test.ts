import { describe, expect, it } from 'vitest';
import { toHex } from './bytes';
import { messageKind } from './formats';
import { nobleCryptoProvider as provider } from './noble-provider';
import {
  decodePreKeyMessage,
  deserializeSessionState,
  serializeSessionState,
  sessionDecrypt,
  sessionEncrypt,
  sessionInitiate,
  sessionRespond,
  type SessionState,
} from './session';
import { errorCode } from './testing/errors';
import { bundleOf, makeDevice } from './testing/fixtures';

const text = (s: string) => new TextEncoder().encode(s);
const read = (b: Uint8Array) => new TextDecoder().decode(b);

describe('sessions: PQXDH + Double Ratchet', () => {
  const alice = makeDevice(provider);
  const bob = makeDevice(provider);
  const bobKeys = { signedPreKey: bob.signedPreKey, oneTimePreKey: bob.oneTimePreKeys[0], kemPreKey: bob.kemPreKeys[0] };

  it('first contact both ways; prekey messages until the first reply, plain ratchet messages after', () => {
    let a = sessionInitiate(provider, alice.identity, bundleOf(bob));
    const m1 = sessionEncrypt(provider, a, text('one'));
    const m2 = sessionEncrypt(provider, m1.session, text('two'));
    a = m2.session;
    expect(messageKind(m1.message)).toBe('preKey');
    expect(messageKind(m2.message)).toBe('preKey');
    expect(decodePreKeyMessage(m1.message).header.oneTimePreKeyId).toBe(bob.oneTimePreKeys[0]!.id);

    // The second arrives first: it starts the session; the first then belongs to it.
    const started = sessionRespond(provider, bob.identity, m2.message, bobKeys);
    expect(read(started.plaintext)).toBe('two');
    expect(started.usedOneTimePreKeyId).toBe(bob.oneTimePreKeys[0]!.id);
    expect(started.usedKemPreKeyId).toBe(bob.kemPreKeys[0]!.id);
    expect(toHex(started.session.remoteIdentityKey)).toBe(toHex(alice.identity.signing.publicKey));
    const late = sessionDecrypt(provider, started.session, m1.message);
    expect(read(late.plaintext)).toBe('one');
    let b = late.session;

    const reply = sessionEncrypt(provider, b, text('hi'));
    b = reply.session;
    expect(messageKind(reply.message)).toBe('ratchet');
    const got = sessionDecrypt(provider, a, reply.message);
    expect(read(got.plaintext)).toBe('hi');
    a = got.session;
    expect(a.pendingPreKey).toBeNull();
    const after = sessionEncrypt(provider, a, text('now plain'));
    expect(messageKind(after.message)).toBe('ratchet');
    expect(read(sessionDecrypt(provider, b, after.message).plaintext)).toBe('now plain');
  });

  it('works without one-time prekeys, on the last-resort KEM prekey', () => {
    const a = sessionInitiate(provider, alice.identity, bundleOf(bob, false));
    const m = sessionEncrypt(provider, a, text('x'));
    const r = sessionRespond(provider, bob.identity, m.message, { signedPreKey: bob.signedPreKey, kemPreKey: bob.lastResortKemPreKey });
    expect(read(r.plaintext)).toBe('x');
    expect(r.usedOneTimePreKeyId).toBeUndefined();
    expect(r.usedKemPreKeyId).toBe(bob.lastResortKemPreKey.id);
  });

  it('typed errors: unknown session, unknown prekey, replayed, tampered prekey header; bundle forgery', () => {
    const a = sessionInitiate(provider, alice.identity, bundleOf(bob));
    const m = sessionEncrypt(provider, a, text('x'));
    expect(errorCode(() => sessionRespond(provider, bob.identity, m.message, { ...bobKeys, oneTimePreKey: undefined }))).toBe('unknown_prekey');
    expect(errorCode(() => sessionRespond(provider, bob.identity, m.message, { ...bobKeys, kemPreKey: undefined }))).toBe('unknown_prekey');
    expect(errorCode(() => sessionRespond(provider, bob.identity, m.message, { ...bobKeys, kemPreKey: bob.kemPreKeys[1] }))).toBe('unknown_prekey');
    const r = sessionRespond(provider, bob.identity, m.message, bobKeys);
    const reply = sessionEncrypt(provider, r.session, text('y'));
    expect(errorCode(() => sessionDecrypt(provider, undefined, reply.message))).toBe('unknown_session');
    expect(errorCode(() => sessionDecrypt(provider, r.session, m.message))).toBe('replayed');
    // A new prekey message (another base key) is not this session's.
    const other = sessionEncrypt(provider, sessionInitiate(provider, alice.identity, bundleOf(bob)), text('z'));
    expect(errorCode(() => sessionDecrypt(provider, r.session, other.message))).toBe('unknown_session');
    // Swapping the claimed identity in the PQXDH header breaks the agreement and the AD.
    const mallory = makeDevice(provider);
    const forged = m.message.slice();
    forged.set(mallory.identity.signing.publicKey, 1);
    expect(errorCode(() => sessionRespond(provider, bob.identity, forged, bobKeys))).toBe('tampered');
    const badBundle = { ...bundleOf(bob), identityKey: mallory.identity.signing.publicKey };
    expect(errorCode(() => sessionInitiate(provider, alice.identity, badBundle))).toBe('bad_signature');
    expect(errorCode(() => sessionDecrypt(provider, r.session, Uint8Array.of(0x22, 0)))).toBe('bad_message');
  });

  it('session state round-trips through bytes (pending prekey and not) and rejects corrupt bytes', () => {
    const a: SessionState = sessionInitiate(provider, alice.identity, bundleOf(bob));
    const m = sessionEncrypt(provider, a, text('x'));
    const b = sessionRespond(provider, bob.identity, m.message, bobKeys).session;
    for (const s of [m.session, b, sessionInitiate(provider, alice.identity, bundleOf(bob, false))]) {
      const bytes = serializeSessionState(s);
      const back = deserializeSessionState(bytes);
      expect(toHex(serializeSessionState(back))).toBe(toHex(bytes));
      expect(back.pendingPreKey?.oneTimePreKeyId).toBe(s.pendingPreKey?.oneTimePreKeyId);
      expect(errorCode(() => deserializeSessionState(bytes.subarray(0, bytes.length - 3)))).toBe('bad_state');
    }
    const next = sessionEncrypt(provider, deserializeSessionState(serializeSessionState(m.session)), text('after restart'));
    expect(read(sessionDecrypt(provider, b, next.message).plaintext)).toBe('after restart');
  });
});
