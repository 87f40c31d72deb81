// Parley's side of the benchmark: the pure protocol functions of src/shared/crypto over a given provider, doing per
// message what the real client does — after every encrypt and every decrypt the changed state is encoded as the core
// writes it to the vault (a device's session record with encodeDeviceSessions, a sender-key state or record with its
// serializer). The encoded bytes stay in memory (the vault's encrypted file write is not part of the crypto).
import {
  createPreKeyBundle,
  createSenderKey,
  generateIdentityKeyPair,
  generateKemPreKey,
  generateOneTimePreKeys,
  generateSignedPreKey,
  groupDecrypt,
  groupEncrypt,
  processSenderKeyDistributionMessage,
  senderKeyDistributionMessage,
  serializeSenderKeyRecord,
  serializeSenderKeyState,
  sessionDecrypt,
  sessionEncrypt,
  sessionInitiate,
  sessionRespond,
  type CryptoProvider,
  type SenderKeyRecord,
  type SessionState,
} from '../../src/shared/crypto/index';
import { encodeDeviceSessions } from '../../src/main/core/sessions/SessionStore';
import { check, messageBody, MESSAGE_BYTES, type BenchSystem } from './rows';

/** What the client stores after a pairwise message: the peer device's session record. */
function persistSession(session: SessionState): number {
  return encodeDeviceSessions({ sessions: [session], retiredBaseKeys: [] }).length;
}

function parties(provider: CryptoProvider) {
  const alice = generateIdentityKeyPair(provider);
  const bob = generateIdentityKeyPair(provider);
  const signedPreKey = generateSignedPreKey(provider, bob, 1, Date.now());
  // Bob's last-resort KEM prekey, made once like his signed prekey (as libsignal's side does with its Kyber key).
  const kemPreKey = generateKemPreKey(provider, bob, 1, Date.now(), true);
  return { alice, bob, signedPreKey, kemPreKey };
}

/** One PQXDH first contact and a reply, each side storing its session after each step; returns both sessions. */
function firstContact(provider: CryptoProvider, p: ReturnType<typeof parties>, oneTimeId: number) {
  const [oneTimePreKey] = generateOneTimePreKeys(provider, oneTimeId, 1);
  const bundle = createPreKeyBundle(p.bob, p.signedPreKey, p.kemPreKey, oneTimePreKey);
  const first = sessionEncrypt(provider, sessionInitiate(provider, p.alice, bundle), messageBody(1));
  persistSession(first.session);
  const started = sessionRespond(provider, p.bob, first.message, { signedPreKey: p.signedPreKey, oneTimePreKey, kemPreKey: p.kemPreKey });
  persistSession(started.session);
  const reply = sessionEncrypt(provider, started.session, messageBody(2));
  persistSession(reply.session);
  const done = sessionDecrypt(provider, first.session, reply.message);
  persistSession(done.session);
  check(done.plaintext.length === MESSAGE_BYTES && started.plaintext.length === MESSAGE_BYTES, 'setup round trip');
  return { a: done.session, b: reply.session };
}

/** Sends one message from `from` to `to`, both storing their session as the client does. */
function exchange(provider: CryptoProvider, pair: [SessionState, SessionState], from: 0 | 1, counter: number): void {
  const to = from === 0 ? 1 : 0;
  const sent = sessionEncrypt(provider, pair[from], messageBody(counter));
  pair[from] = sent.session;
  persistSession(sent.session);
  const got = sessionDecrypt(provider, pair[to], sent.message);
  pair[to] = got.session;
  persistSession(got.session);
  check(got.plaintext.length === MESSAGE_BYTES, 'pairwise decrypt');
}

function groupSender(provider: CryptoProvider, members: number) {
  let sender = createSenderKey(provider);
  const distribution = senderKeyDistributionMessage(sender);
  const receivers: SenderKeyRecord[] = [];
  for (let i = 1; i < members; i++) receivers.push(processSenderKeyDistributionMessage(undefined, distribution));
  let counter = 0;
  const send = () => {
    const r = groupEncrypt(provider, sender, messageBody(counter++));
    sender = r.state;
    serializeSenderKeyState(sender);
    return r.message;
  };
  const receive = (index: number, message: Uint8Array) => {
    const got = groupDecrypt(provider, receivers[index]!, message);
    receivers[index] = got.record;
    serializeSenderKeyRecord(got.record);
    check(got.plaintext.length === MESSAGE_BYTES, 'group decrypt');
  };
  return { receivers, send, receive };
}

function senderOnly(provider: CryptoProvider, members: number) {
  const { send } = groupSender(provider, members);
  return () => {
    send();
  };
}

export function parleySystem(provider: CryptoProvider): BenchSystem {
  return {
    name: `Parley (${provider.name})`,
    prepare: {
      setup() {
        const p = parties(provider);
        let nextId = 1;
        return () => {
          // Per setup, as on a real device: Bob's one-time prekey is fresh; identity, signed and KEM prekeys are not.
          firstContact(provider, p, nextId);
          nextId = nextId >= 0xff_fff0 ? 1 : nextId + 1;
        };
      },
      steady() {
        const { a, b } = firstContact(provider, parties(provider), 1);
        const pair: [SessionState, SessionState] = [a, b];
        let counter = 0;
        return () => exchange(provider, pair, 0, counter++);
      },
      dhStep() {
        const { a, b } = firstContact(provider, parties(provider), 1);
        const pair: [SessionState, SessionState] = [a, b];
        let counter = 0;
        // Alternate directions: every message carries a new ratchet key and triggers a DH ratchet step.
        return () => exchange(provider, pair, (counter % 2) as 0 | 1, counter++);
      },
      group100() {
        const { receivers, send, receive } = groupSender(provider, 100);
        return () => {
          const message = send();
          for (let i = 0; i < receivers.length; i++) receive(i, message);
        };
      },
      groupPair() {
        const { send, receive } = groupSender(provider, 2);
        return () => receive(0, send());
      },
      sender10: () => senderOnly(provider, 10),
      sender100: () => senderOnly(provider, 100),
      sender1000: () => senderOnly(provider, 1000),
    },
  };
}
