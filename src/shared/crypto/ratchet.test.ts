// Double Ratchet properties (fast-check over the real noble primitives): any interleaving and loss pattern within
// MAX_SKIP decrypts, replays and tampering are rejected, old state cannot follow a DH step, and a failed decrypt
// leaves the state exactly as it was.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from './bytes';
import { nobleCryptoProvider as provider } from './noble-provider';
import { ratchetDecrypt, ratchetEncrypt, ratchetExpireSkippedKeys, type RatchetOptions } from './ratchet';
import { decodeRatchetHeader } from './ratchet-header';
import { deserializeRatchetState, serializeRatchetState, type RatchetState } from './ratchet-state';
import { errorCode } from './testing/errors';
import { startedRatchets, stateHex } from './testing/fixtures';

// Immutable states: one X3DH for the whole file, every property run starts from the same values.
const START = startedRatchets(provider);

type Party = 0 | 1;
type Command =
  | { kind: 'send'; from: Party }
  | { kind: 'deliver'; pick: number }
  | { kind: 'drop'; pick: number }
  | { kind: 'replay'; pick: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('send' as const), from: fc.constantFrom<Party>(0, 1) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('deliver' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('replay' as const), pick: fc.nat() }) },
);

interface InFlight {
  to: Party;
  message: Uint8Array;
  plaintext: string;
}

/** Plays commands on a conversation; returns the final states and what is still in flight. */
function play(commands: readonly Command[], options: RatchetOptions = {}) {
  const states: [RatchetState, RatchetState] = [START.alice, START.bob];
  const inFlight: InFlight[] = [];
  const delivered: InFlight[] = [];
  let counter = 0;
  const deliver = (m: InFlight) => {
    const { state, plaintext } = ratchetDecrypt(provider, states[m.to], m.message, options);
    expect(toHex(plaintext)).toBe(m.plaintext);
    states[m.to] = state;
    delivered.push(m);
  };
  for (const c of commands) {
    if (c.kind === 'send') {
      const plaintext = new TextEncoder().encode(`message ${counter++} from ${c.from}`);
      const { state, message } = ratchetEncrypt(provider, states[c.from], plaintext, options);
      states[c.from] = state;
      inFlight.push({ to: c.from === 0 ? 1 : 0, message, plaintext: toHex(plaintext) });
    } else if (c.kind === 'deliver' && inFlight.length > 0) {
      deliver(inFlight.splice(c.pick % inFlight.length, 1)[0]!);
    } else if (c.kind === 'drop' && inFlight.length > 0) {
      inFlight.splice(c.pick % inFlight.length, 1);
    } else if (c.kind === 'replay' && delivered.length > 0) {
      const m = delivered[c.pick % delivered.length]!;
      const before = stateHex(states[m.to]);
      expect(errorCode(() => ratchetDecrypt(provider, states[m.to], m.message, options))).toBe('replayed');
      expect(stateHex(states[m.to])).toBe(before);
    }
  }
  return { states, inFlight, delivered, deliver };
}

describe('Double Ratchet', () => {
  it('any interleaving, reordering and loss within MAX_SKIP decrypts; replays are rejected', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 40 }), (commands) => {
        const run = play(commands);
        // Whatever is still in flight arrives late, in the current (already shuffled) order.
        for (const m of run.inFlight.splice(0)) run.deliver(m);
        for (const m of run.delivered) {
          expect(errorCode(() => ratchetDecrypt(provider, run.states[m.to], m.message))).toBe('replayed');
        }
      }),
      { numRuns: 40 },
    );
  });

  it('tampering with any byte (header or ciphertext), truncating or extending is rejected, state unchanged', () => {
    fc.assert(
      fc.property(
        fc.array(command, { maxLength: 12 }),
        fc.constantFrom<Party>(0, 1),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        fc.constantFrom('flip', 'truncate', 'extend'),
        (commands, from, position, mask, how) => {
          const run = play(commands);
          fc.pre(run.states[from].cks !== null); // only a state that can send
          const to: Party = from === 0 ? 1 : 0;
          const { message } = ratchetEncrypt(provider, run.states[from], Uint8Array.of(42));
          const tampered =
            how === 'flip'
              ? message.map((b, i) => (i === position % message.length ? b ^ mask : b))
              : how === 'truncate'
                ? message.subarray(0, position % message.length)
                : Uint8Array.of(...message, mask);
          const before = stateHex(run.states[to]);
          expect(errorCode(() => ratchetDecrypt(provider, run.states[to], tampered))).toBeDefined();
          expect(stateHex(run.states[to])).toBe(before);
          // The genuine message still decrypts: the failed attempt consumed nothing.
          expect([...ratchetDecrypt(provider, run.states[to], message).plaintext]).toEqual([42]);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a receiver whose associated data differs (other identities) cannot decrypt', () => {
    fc.assert(
      fc.property(fc.nat({ max: 65 }), (position) => {
        const { message } = ratchetEncrypt(provider, START.alice, Uint8Array.of(1));
        const ad = START.bob.associatedData.slice();
        ad[position]! ^= 1;
        const bob = { ...START.bob, associatedData: ad };
        expect(errorCode(() => ratchetDecrypt(provider, bob, message))).toBe('tampered');
      }),
      { numRuns: 10 },
    );
  });

  it('a copy of old state cannot decrypt messages sent after the next DH step (post-compromise security)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), (first, second) => {
        const stolen = START.bob;
        let [alice, bob] = [START.alice, START.bob];
        const send = (from: 'alice' | 'bob', count: number) => {
          const out: Uint8Array[] = [];
          for (let i = 0; i < count; i++) {
            const r = ratchetEncrypt(provider, from === 'alice' ? alice : bob, Uint8Array.of(i));
            if (from === 'alice') alice = r.state;
            else bob = r.state;
            out.push(r.message);
          }
          return out;
        };
        const receive = (to: 'alice' | 'bob', messages: Uint8Array[]) => {
          for (const m of messages) {
            const r = ratchetDecrypt(provider, to === 'alice' ? alice : bob, m);
            if (to === 'alice') alice = r.state;
            else bob = r.state;
          }
        };
        receive('alice', send('bob', first));
        const a1 = send('alice', second); // Alice's new key against Bob's current one: the stolen state follows.
        expect(errorCode(() => ratchetDecrypt(provider, stolen, a1[0]!))).toBeUndefined();
        receive('bob', a1);
        receive('alice', send('bob', first)); // Bob's fresh key, unknown to the stolen state.
        const a2 = send('alice', second);
        const before = stateHex(stolen);
        for (const m of a2) expect(errorCode(() => ratchetDecrypt(provider, stolen, m))).toBeDefined();
        const caughtUp = ratchetDecrypt(provider, stolen, a1[0]!).state;
        for (const m of a2) expect(errorCode(() => ratchetDecrypt(provider, caughtUp, m))).toBeDefined();
        expect(stateHex(stolen)).toBe(before);
        receive('bob', a2); // ...while the real Bob still reads them.
      }),
      { numRuns: 10 },
    );
  });

  it('state survives serialization at any point of a conversation', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 20 }), (commands) => {
        const run = play(commands);
        for (const party of [0, 1] as const) {
          const bytes = serializeRatchetState(run.states[party]);
          const back = deserializeRatchetState(bytes);
          expect(toHex(serializeRatchetState(back))).toBe(toHex(bytes));
          run.states[party] = back;
        }
        for (const m of run.inFlight.splice(0)) run.deliver(m);
      }),
      { numRuns: 20 },
    );
  });

  it('rejects corrupt serialized state as bad_state', () => {
    const bytes = serializeRatchetState(START.alice);
    expect(errorCode(() => deserializeRatchetState(bytes.subarray(0, bytes.length - 1)))).toBe('bad_state');
    expect(errorCode(() => deserializeRatchetState(Uint8Array.of(...bytes, 0)))).toBe('bad_state');
    expect(errorCode(() => deserializeRatchetState(Uint8Array.of(0x62, ...bytes.subarray(1))))).toBe('bad_state');
    expect(errorCode(() => deserializeRatchetState(new Uint8Array(0)))).toBe('bad_state');
  });
});

describe('Double Ratchet: skipped message keys', () => {
  const sendMany = (count: number, options: RatchetOptions = {}) => {
    let alice = START.alice;
    const messages: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      const r = ratchetEncrypt(provider, alice, Uint8Array.of(i), options);
      alice = r.state;
      messages.push(r.message);
    }
    return { alice, messages };
  };

  it('MAX_SKIP: a gap within it decrypts, one beyond it is too_many_skipped and changes nothing', () => {
    const { messages } = sendMany(6);
    const before = stateHex(START.bob);
    expect(errorCode(() => ratchetDecrypt(provider, START.bob, messages[5]!, { maxSkip: 4 }))).toBe('too_many_skipped');
    expect(stateHex(START.bob)).toBe(before);
    const r = ratchetDecrypt(provider, START.bob, messages[4]!, { maxSkip: 4 });
    expect(r.state.skipped.map((k) => k.n)).toEqual([1, 2, 3, 4]); // START already holds message 0
    for (const i of [2, 0, 3, 1]) expect([...ratchetDecrypt(provider, r.state, messages[i]!, { maxSkip: 4 }).plaintext]).toEqual([i]);
  });

  it('MAX_SKIP also bounds the previous chain named by pn', () => {
    let { alice } = START;
    let bob = START.bob;
    const reply = ratchetEncrypt(provider, bob, Uint8Array.of(9));
    bob = reply.state;
    for (let i = 0; i < 5; i++) alice = ratchetEncrypt(provider, alice, Uint8Array.of(i)).state; // all lost
    alice = ratchetDecrypt(provider, alice, reply.message).state;
    const next = ratchetEncrypt(provider, alice, Uint8Array.of(7)).message;
    expect(decodeRatchetHeader(next).pn).toBe(6);
    expect(errorCode(() => ratchetDecrypt(provider, bob, next, { maxSkip: 4 }))).toBe('too_many_skipped');
    expect([...ratchetDecrypt(provider, bob, next, { maxSkip: 5 }).plaintext]).toEqual([7]);
  });

  it('expires skipped keys by age: a late message after the limit counts as already lost', () => {
    const { messages } = sendMany(2);
    const t0 = 1_000_000;
    const bob = ratchetDecrypt(provider, START.bob, messages[1]!, { now: t0 }).state;
    const limit = { skippedKeyMaxAgeMs: 1000 };
    expect([...ratchetDecrypt(provider, bob, messages[0]!, { ...limit, now: t0 + 1000 }).plaintext]).toEqual([0]);
    expect(errorCode(() => ratchetDecrypt(provider, bob, messages[0]!, { ...limit, now: t0 + 1001 }))).toBe('replayed');
    expect(ratchetExpireSkippedKeys(bob, { ...limit, now: t0 + 1001 }).skipped).toHaveLength(0);
    expect(ratchetExpireSkippedKeys(bob, { ...limit, now: t0 })).toBe(bob);
    expect(ratchetEncrypt(provider, bob, Uint8Array.of(1), { ...limit, now: t0 + 5000 }).state.skipped).toHaveLength(0);
  });

  it('expires skipped keys by count: only the newest maxSkippedKeys are kept', () => {
    const { messages } = sendMany(7);
    const bob = ratchetDecrypt(provider, START.bob, messages[6]!, { maxSkippedKeys: 3 }).state;
    expect(bob.skipped.map((k) => k.n)).toEqual([4, 5, 6]); // messages[i] is number i + 1
    expect(errorCode(() => ratchetDecrypt(provider, bob, messages[2]!))).toBe('replayed');
    expect([...ratchetDecrypt(provider, bob, messages[4]!).plaintext]).toEqual([4]);
  });

  it('a responder cannot send before it has received', () => {
    const fresh = { ...START.bob, cks: null };
    expect(errorCode(() => ratchetEncrypt(provider, fresh, Uint8Array.of(1)))).toBe('invalid_state');
  });

  it('garbage, a low-order ratchet key and a message claiming the signed prekey are rejected without a state change', () => {
    const before = stateHex(START.alice);
    const { message } = ratchetEncrypt(provider, START.bob, Uint8Array.of(1));
    const lowOrder = message.slice();
    lowOrder.fill(0, 1, 33);
    const claimsSpk = message.slice();
    claimsSpk.set(START.alice.dhr!, 1);
    expect(errorCode(() => ratchetDecrypt(provider, START.alice, lowOrder))).toBe('bad_key');
    expect(errorCode(() => ratchetDecrypt(provider, START.alice, claimsSpk))).toBe('tampered');
    expect(errorCode(() => ratchetDecrypt(provider, START.alice, Uint8Array.of(0x11, 1, 2)))).toBe('bad_message');
    expect(stateHex(START.alice)).toBe(before);
  });
});
