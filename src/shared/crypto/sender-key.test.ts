// Sender Keys properties: out-of-order within the bound, replay and tamper rejection with the record unchanged,
// and a removed member's old key cannot read anything after the rotation.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from './bytes';
import { nobleCryptoProvider as provider } from './noble-provider';
import {
  createSenderKey,
  deserializeSenderKeyState,
  groupEncrypt,
  rotateSenderKey,
  senderKeyDistributionMessage,
  serializeSenderKeyState,
  type SenderKeyState,
} from './sender-key';
import { decodeSenderKeyDistributionMessage, encodeSenderKeyDistributionMessage } from './sender-key-message';
import {
  deserializeSenderKeyRecord,
  groupDecrypt,
  processSenderKeyDistributionMessage,
  serializeSenderKeyRecord,
  type SenderKeyRecord,
} from './sender-key-record';
import { errorCode } from './testing/errors';

const SENDER = createSenderKey(provider);
const RECORD = processSenderKeyDistributionMessage(
  undefined,
  decodeSenderKeyDistributionMessage(encodeSenderKeyDistributionMessage(senderKeyDistributionMessage(SENDER))),
);
const recordHex = (r: SenderKeyRecord) => toHex(serializeSenderKeyRecord(r));

function sendMany(state: SenderKeyState, count: number) {
  const messages: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const r = groupEncrypt(provider, state, Uint8Array.of(i));
    state = r.state;
    messages.push(r.message);
  }
  return { state, messages };
}

describe('Sender Keys', () => {
  it('any order and loss pattern within the bound decrypts; every replay is rejected', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 25 }).chain((n) =>
          fc.tuple(fc.constant(n), fc.shuffledSubarray([...Array(n).keys()], { minLength: 0, maxLength: n })),
        ),
        ([count, order]) => {
          const { messages } = sendMany(SENDER, count);
          let record = RECORD;
          for (const i of order) {
            const r = groupDecrypt(provider, record, messages[i]!);
            expect([...r.plaintext]).toEqual([i]);
            record = r.record;
          }
          for (const i of order) {
            const before = recordHex(record);
            expect(errorCode(() => groupDecrypt(provider, record, messages[i]!))).toBe('replayed');
            expect(recordHex(record)).toBe(before);
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('tampering with any byte, truncating or extending is rejected, record unchanged', () => {
    const { messages } = sendMany(SENDER, 3);
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), fc.constantFrom('flip', 'truncate', 'extend'), (pos, mask, how) => {
        const m = messages[2]!;
        const tampered =
          how === 'flip'
            ? m.map((b, i) => (i === pos % m.length ? b ^ mask : b))
            : how === 'truncate'
              ? m.subarray(0, pos % m.length)
              : Uint8Array.of(...m, mask);
        const before = recordHex(RECORD);
        expect(errorCode(() => groupDecrypt(provider, RECORD, tampered))).toBeDefined();
        expect(recordHex(RECORD)).toBe(before);
        expect([...groupDecrypt(provider, RECORD, m).plaintext]).toEqual([2]);
      }),
      { numRuns: 40 },
    );
  });

  it('a member cannot forge a message as the sender even with the chain key (the signature)', () => {
    // Every member holds the chain key; only the sender holds the signature key.
    const forger: SenderKeyState = { ...SENDER, signingKey: provider.ed25519GenerateKeyPair() };
    const { message } = groupEncrypt(provider, forger, Uint8Array.of(1));
    expect(errorCode(() => groupDecrypt(provider, RECORD, message))).toBe('bad_signature');
  });

  it('beyond the skip bound is too_many_skipped; unknown chains and groups are unknown_session', () => {
    const { messages } = sendMany(SENDER, 6);
    expect(errorCode(() => groupDecrypt(provider, RECORD, messages[5]!, { maxSkip: 4 }))).toBe('too_many_skipped');
    expect([...groupDecrypt(provider, RECORD, messages[4]!, { maxSkip: 4 }).plaintext]).toEqual([4]);
    expect(errorCode(() => groupDecrypt(provider, undefined, messages[0]!))).toBe('unknown_session');
    const otherGroup = groupEncrypt(provider, createSenderKey(provider), Uint8Array.of(1)).message;
    expect(errorCode(() => groupDecrypt(provider, RECORD, otherGroup))).toBe('unknown_session');
    expect(errorCode(() => groupDecrypt(provider, RECORD, Uint8Array.of(0x31, 1, 2)))).toBe('bad_message');
  });

  it('rotation: a removed member cannot decrypt anything after it; remaining members read both chains', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 5 }), (before, after) => {
        const old = sendMany(SENDER, before + 1);
        const removed = RECORD; // the removed member keeps its copy of the old chain
        const rotated = rotateSenderKey(provider, old.state);
        expect(rotated.chainId).not.toBe(SENDER.chainId);
        expect(toHex(rotated.chainKey)).not.toBe(toHex(SENDER.chainKey));
        expect(toHex(rotated.signingKey.publicKey)).not.toBe(toHex(SENDER.signingKey.publicKey));
        expect(toHex(rotated.distributionId)).toBe(toHex(SENDER.distributionId));
        // Remaining members get the new key over their pairwise sessions.
        let remaining = processSenderKeyDistributionMessage(RECORD, senderKeyDistributionMessage(rotated));
        const next = sendMany(rotated, after);
        for (const m of next.messages) {
          expect(errorCode(() => groupDecrypt(provider, removed, m))).toBe('unknown_session');
          // Even a removed member who rewrites the chain id to its old one gets nothing.
          const relabelled = m.slice();
          relabelled.set(Uint8Array.of(SENDER.chainId >>> 24, SENDER.chainId >>> 16, SENDER.chainId >>> 8, SENDER.chainId), 17);
          expect(errorCode(() => groupDecrypt(provider, removed, relabelled))).toBe('bad_signature');
        }
        for (const [i, m] of next.messages.entries()) {
          const r = groupDecrypt(provider, remaining, m);
          expect([...r.plaintext]).toEqual([i]);
          remaining = r.record;
        }
        // A message sent on the old chain just before the rotation still arrives.
        expect([...groupDecrypt(provider, remaining, old.messages[before]!).plaintext]).toEqual([before]);
      }),
      { numRuns: 10 },
    );
  });

  it('a repeated distribution message never moves a chain backwards (no replay window reopens)', () => {
    const { messages } = sendMany(SENDER, 2);
    const record = groupDecrypt(provider, RECORD, messages[0]!).record;
    const again = processSenderKeyDistributionMessage(record, senderKeyDistributionMessage(SENDER));
    expect(again).toBe(record);
    expect(errorCode(() => groupDecrypt(provider, again, messages[0]!))).toBe('replayed');
    expect(errorCode(() => processSenderKeyDistributionMessage(record, { ...senderKeyDistributionMessage(SENDER), distributionId: new Uint8Array(16) }))).toBe('invalid_state');
  });

  it('keeps at most maxChains chains, newest first', () => {
    let record = RECORD;
    let state = SENDER;
    for (let i = 0; i < 7; i++) {
      state = rotateSenderKey(provider, state);
      record = processSenderKeyDistributionMessage(record, senderKeyDistributionMessage(state), { maxChains: 5 });
    }
    expect(record.chains).toHaveLength(5);
    expect(record.chains[0]!.chainId).toBe(state.chainId);
  });

  it('expires skipped keys by age and by count', () => {
    const { messages } = sendMany(SENDER, 6);
    const t0 = 5_000_000;
    const r = groupDecrypt(provider, RECORD, messages[5]!, { now: t0, maxSkippedKeys: 3 }).record;
    expect(r.chains[0]!.skipped.map((k) => k.iteration)).toEqual([2, 3, 4]);
    expect(errorCode(() => groupDecrypt(provider, r, messages[1]!, { now: t0 }))).toBe('replayed');
    expect([...groupDecrypt(provider, r, messages[2]!, { now: t0 + 10, skippedKeyMaxAgeMs: 10 }).plaintext]).toEqual([2]);
    expect(errorCode(() => groupDecrypt(provider, r, messages[2]!, { now: t0 + 11, skippedKeyMaxAgeMs: 10 }))).toBe('replayed');
  });

  it('state and record round-trip through bytes; corrupt bytes are bad_state', () => {
    const { state, messages } = sendMany(SENDER, 4);
    const record = groupDecrypt(provider, RECORD, messages[3]!).record;
    const s = deserializeSenderKeyState(serializeSenderKeyState(state));
    expect(toHex(serializeSenderKeyState(s))).toBe(toHex(serializeSenderKeyState(state)));
    const back = deserializeSenderKeyRecord(serializeSenderKeyRecord(record));
    expect(recordHex(back)).toBe(recordHex(record));
    expect([...groupDecrypt(provider, back, messages[1]!).plaintext]).toEqual([1]);
    const next = groupEncrypt(provider, s, Uint8Array.of(9)).message;
    expect([...groupDecrypt(provider, back, next).plaintext]).toEqual([9]);
    const bytes = serializeSenderKeyRecord(record);
    expect(errorCode(() => deserializeSenderKeyRecord(bytes.subarray(1)))).toBe('bad_state');
    expect(errorCode(() => deserializeSenderKeyState(serializeSenderKeyState(state).subarray(0, 20)))).toBe('bad_state');
  });
});
