// Parley's side of the benchmark: the pure protocol functions of src/shared/crypto over a given provider, with
// states held in memory (as libsignal's in-memory stores hold its records).
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
  sessionDecrypt,
  sessionEncrypt,
  sessionInitiate,
  sessionRespond,
  type CryptoProvider,
  type SenderKeyRecord,
  type SessionState,
} from '../../src/shared/crypto/index';
import { check, messageBody, MESSAGE_BYTES, type BenchSystem } from './rows';

function parties(provider: CryptoProvider) {
  const alice = generateIdentityKeyPair(provider);
  const bob = generateIdentityKeyPair(provider);
  const signedPreKey = generateSignedPreKey(provider, bob, 1, Date.now());
  // Bob's last-resort KEM prekey, made once like his signed prekey (as libsignal's side does with its Kyber key).
  const kemPreKey = generateKemPreKey(provider, bob, 1, Date.now(), true);
  return { alice, bob, signedPreKey, kemPreKey };
}

/** Alice and Bob after first contact both ways: both sessions are past their prekey phase. */
function establishedSessions(provider: CryptoProvider): { a: SessionState; b: SessionState } {
  const { alice, bob, signedPreKey, kemPreKey } = parties(provider);
  const [oneTimePreKey] = generateOneTimePreKeys(provider, 1, 1);
  const first = sessionEncrypt(provider, sessionInitiate(provider, alice, createPreKeyBundle(bob, signedPreKey, kemPreKey, oneTimePreKey)), messageBody(0));
  const started = sessionRespond(provider, bob, first.message, { signedPreKey, oneTimePreKey, kemPreKey });
  const reply = sessionEncrypt(provider, started.session, messageBody(0));
  return { a: sessionDecrypt(provider, first.session, reply.message).session, b: reply.session };
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
    return r.message;
  };
  return { receivers, send };
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
        const { alice, bob, signedPreKey, kemPreKey } = parties(provider);
        let nextId = 1;
        return () => {
          // Per setup, as on a real device: Bob's one-time prekey is fresh; identity and signed prekey are not.
          const [oneTimePreKey] = generateOneTimePreKeys(provider, nextId, 1);
          nextId = nextId >= 0xff_fff0 ? 1 : nextId + 1;
          const bundle = createPreKeyBundle(bob, signedPreKey, kemPreKey, oneTimePreKey);
          const first = sessionEncrypt(provider, sessionInitiate(provider, alice, bundle), messageBody(1));
          const started = sessionRespond(provider, bob, first.message, { signedPreKey, oneTimePreKey, kemPreKey });
          const reply = sessionEncrypt(provider, started.session, messageBody(2));
          const done = sessionDecrypt(provider, first.session, reply.message);
          check(done.plaintext.length === MESSAGE_BYTES && started.plaintext.length === MESSAGE_BYTES, 'setup round trip');
        };
      },
      steady() {
        let { a, b } = establishedSessions(provider);
        let counter = 0;
        return () => {
          const sent = sessionEncrypt(provider, a, messageBody(counter++));
          a = sent.session;
          const got = sessionDecrypt(provider, b, sent.message);
          b = got.session;
          check(got.plaintext.length === MESSAGE_BYTES, 'steady decrypt');
        };
      },
      dhStep() {
        const sessions = establishedSessions(provider);
        const pair: [SessionState, SessionState] = [sessions.a, sessions.b];
        let counter = 0;
        return () => {
          // Alternate directions: every message carries a new ratchet key and triggers a DH ratchet step.
          const from = counter % 2;
          const to = 1 - from;
          const sent = sessionEncrypt(provider, pair[from]!, messageBody(counter++));
          pair[from] = sent.session;
          const got = sessionDecrypt(provider, pair[to]!, sent.message);
          pair[to] = got.session;
          check(got.plaintext.length === MESSAGE_BYTES, 'dh-step decrypt');
        };
      },
      group100() {
        const { receivers, send } = groupSender(provider, 100);
        return () => {
          const message = send();
          for (let i = 0; i < receivers.length; i++) {
            const got = groupDecrypt(provider, receivers[i], message);
            receivers[i] = got.record;
            check(got.plaintext.length === MESSAGE_BYTES, 'group decrypt');
          }
        };
      },
      groupPair() {
        const { receivers, send } = groupSender(provider, 2);
        return () => {
          const got = groupDecrypt(provider, receivers[0], send());
          receivers[0] = got.record;
          check(got.plaintext.length === MESSAGE_BYTES, 'group decrypt');
        };
      },
      sender10: () => senderOnly(provider, 10),
      sender100: () => senderOnly(provider, 100),
      sender1000: () => senderOnly(provider, 1000),
    },
  };
}
