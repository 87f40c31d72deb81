// The anchor: @signalapp/libsignal-client (Signal's Rust library through its Node binding) doing the same work
// with in-memory stores on both sides. Its session setup is PQXDH (its Kyber-1024 KEM); Bob's Kyber prekey is a
// last-resort key made once, like his signed prekey, and his one-time EC prekey is fresh. Like Parley's side, every
// record a store is given is serialized, as a store that writes to disk would (the bytes stay in memory).
import {
  groupDecrypt,
  groupEncrypt,
  IdentityChange,
  IdentityKeyPair,
  IdentityKeyStore,
  KEMKeyPair,
  KyberPreKeyRecord,
  KyberPreKeyStore,
  PreKeyBundle,
  PreKeyRecord,
  PreKeySignalMessage,
  PreKeyStore,
  PrivateKey,
  processPreKeyBundle,
  processSenderKeyDistributionMessage,
  ProtocolAddress,
  PublicKey,
  SenderKeyDistributionMessage,
  SenderKeyRecord,
  SenderKeyStore,
  SessionRecord,
  SessionStore,
  signalDecrypt,
  signalDecryptPreKey,
  signalEncrypt,
  SignalMessage,
  SignedPreKeyRecord,
  SignedPreKeyStore,
  type Direction,
  type Uuid,
} from '@signalapp/libsignal-client';
import { randomUUID } from 'node:crypto';
import { check, messageBody, MESSAGE_BYTES, type BenchSystem } from './rows';

class MemorySessionStore extends SessionStore {
  private readonly records = new Map<string, SessionRecord>();
  async saveSession(name: ProtocolAddress, record: SessionRecord): Promise<void> {
    record.serialize();
    this.records.set(name.toString(), record);
  }
  async getSession(name: ProtocolAddress): Promise<SessionRecord | null> {
    return this.records.get(name.toString()) ?? null;
  }
  async getExistingSessions(addresses: ProtocolAddress[]): Promise<SessionRecord[]> {
    return addresses.map((a) => this.records.get(a.toString())).filter((r): r is SessionRecord => r !== undefined);
  }
}

class MemoryIdentityStore extends IdentityKeyStore {
  private readonly known = new Map<string, PublicKey>();
  constructor(
    private readonly identity: IdentityKeyPair,
    private readonly registrationId: number,
  ) {
    super();
  }
  async getIdentityKey(): Promise<PrivateKey> {
    return this.identity.privateKey;
  }
  async getLocalRegistrationId(): Promise<number> {
    return this.registrationId;
  }
  async saveIdentity(name: ProtocolAddress, key: PublicKey): Promise<IdentityChange> {
    const previous = this.known.get(name.toString());
    this.known.set(name.toString(), key);
    return previous && !previous.equals(key) ? IdentityChange.ReplacedExisting : IdentityChange.NewOrUnchanged;
  }
  async isTrustedIdentity(_name: ProtocolAddress, _key: PublicKey, _direction: Direction): Promise<boolean> {
    return true;
  }
  async getIdentity(name: ProtocolAddress): Promise<PublicKey | null> {
    return this.known.get(name.toString()) ?? null;
  }
}

class MemoryPreKeyStore extends PreKeyStore {
  readonly keys = new Map<number, PreKeyRecord>();
  async savePreKey(id: number, record: PreKeyRecord): Promise<void> {
    this.keys.set(id, record);
  }
  async getPreKey(id: number): Promise<PreKeyRecord> {
    const record = this.keys.get(id);
    if (!record) throw new Error(`no prekey ${id}`);
    return record;
  }
  async removePreKey(id: number): Promise<void> {
    this.keys.delete(id);
  }
}

class MemorySignedPreKeyStore extends SignedPreKeyStore {
  readonly keys = new Map<number, SignedPreKeyRecord>();
  async saveSignedPreKey(id: number, record: SignedPreKeyRecord): Promise<void> {
    this.keys.set(id, record);
  }
  async getSignedPreKey(id: number): Promise<SignedPreKeyRecord> {
    return this.keys.get(id)!;
  }
}

class MemoryKyberPreKeyStore extends KyberPreKeyStore {
  readonly keys = new Map<number, KyberPreKeyRecord>();
  async saveKyberPreKey(id: number, record: KyberPreKeyRecord): Promise<void> {
    this.keys.set(id, record);
  }
  async getKyberPreKey(id: number): Promise<KyberPreKeyRecord> {
    return this.keys.get(id)!;
  }
  async markKyberPreKeyUsed(): Promise<void> {
    // A last-resort Kyber prekey stays usable; nothing to mark.
  }
}

class MemorySenderKeyStore extends SenderKeyStore {
  private readonly records = new Map<string, SenderKeyRecord>();
  async saveSenderKey(sender: ProtocolAddress, distributionId: Uuid, record: SenderKeyRecord): Promise<void> {
    record.serialize();
    this.records.set(`${sender.toString()}/${distributionId}`, record);
  }
  async getSenderKey(sender: ProtocolAddress, distributionId: Uuid): Promise<SenderKeyRecord | null> {
    return this.records.get(`${sender.toString()}/${distributionId}`) ?? null;
  }
}

interface Device {
  address: ProtocolAddress;
  identity: IdentityKeyPair;
  identityStore: MemoryIdentityStore;
  sessions: MemorySessionStore;
  preKeys: MemoryPreKeyStore;
  signedPreKeys: MemorySignedPreKeyStore;
  kyberPreKeys: MemoryKyberPreKeyStore;
  registrationId: number;
}

function device(name: string, registrationId: number): Device {
  const identity = IdentityKeyPair.generate();
  return {
    address: ProtocolAddress.new(name, 1),
    identity,
    identityStore: new MemoryIdentityStore(identity, registrationId),
    sessions: new MemorySessionStore(),
    preKeys: new MemoryPreKeyStore(),
    signedPreKeys: new MemorySignedPreKeyStore(),
    kyberPreKeys: new MemoryKyberPreKeyStore(),
    registrationId,
  };
}

function bobWithPreKeys() {
  const bob = device('bob', 2);
  const signed = PrivateKey.generate();
  const signature = bob.identity.privateKey.sign(signed.getPublicKey().serialize());
  bob.signedPreKeys.keys.set(1, SignedPreKeyRecord.new(1, Date.now(), signed.getPublicKey(), signed, signature));
  const kem = KEMKeyPair.generate();
  const kemSignature = bob.identity.privateKey.sign(kem.getPublicKey().serialize());
  bob.kyberPreKeys.keys.set(1, KyberPreKeyRecord.new(1, Date.now(), kem, kemSignature));
  let nextId = 1;
  /** A bundle with a fresh one-time prekey, as the directory would serve it. */
  const bundle = () => {
    const id = nextId++;
    const key = PrivateKey.generate();
    bob.preKeys.keys.set(id, PreKeyRecord.new(id, key.getPublicKey(), key));
    return PreKeyBundle.new(bob.registrationId, 1, id, key.getPublicKey(), 1, signed.getPublicKey(), signature, bob.identity.publicKey, 1, kem.getPublicKey(), kemSignature);
  };
  return { bob, bundle };
}

async function firstContact(alice: Device, bob: Device, bundle: PreKeyBundle, counter: number) {
  await processPreKeyBundle(bundle, bob.address, alice.address, alice.sessions, alice.identityStore);
  const first = await signalEncrypt(messageBody(counter), bob.address, alice.address, alice.sessions, alice.identityStore);
  const got = await signalDecryptPreKey(
    PreKeySignalMessage.deserialize(first.serialize()),
    alice.address,
    bob.address,
    bob.sessions,
    bob.identityStore,
    bob.preKeys,
    bob.signedPreKeys,
    bob.kyberPreKeys,
  );
  const reply = await signalEncrypt(messageBody(counter), alice.address, bob.address, bob.sessions, bob.identityStore);
  const back = await signalDecrypt(SignalMessage.deserialize(reply.serialize()), bob.address, alice.address, alice.sessions, alice.identityStore);
  check(got.length === MESSAGE_BYTES && back.length === MESSAGE_BYTES, 'libsignal setup round trip');
}

async function established() {
  const alice = device('alice', 1);
  const { bob, bundle } = bobWithPreKeys();
  await firstContact(alice, bob, bundle(), 0);
  return { alice, bob };
}

async function send(from: Device, to: Device, counter: number): Promise<void> {
  const message = await signalEncrypt(messageBody(counter), to.address, from.address, from.sessions, from.identityStore);
  const plaintext = await signalDecrypt(SignalMessage.deserialize(message.serialize()), from.address, to.address, to.sessions, to.identityStore);
  check(plaintext.length === MESSAGE_BYTES, 'libsignal decrypt');
}

async function group(members: number) {
  const sender = ProtocolAddress.new('sender', 1);
  const distributionId = randomUUID();
  const senderStore = new MemorySenderKeyStore();
  const distribution = await SenderKeyDistributionMessage.create(sender, distributionId, senderStore);
  const wire = SenderKeyDistributionMessage.deserialize(distribution.serialize());
  const receivers: MemorySenderKeyStore[] = [];
  for (let i = 1; i < members; i++) {
    const store = new MemorySenderKeyStore();
    await processSenderKeyDistributionMessage(sender, wire, store);
    receivers.push(store);
  }
  let counter = 0;
  const encrypt = async () => (await groupEncrypt(sender, distributionId, senderStore, messageBody(counter++))).serialize();
  return { sender, receivers, encrypt };
}

async function senderOnly(members: number) {
  const { encrypt } = await group(members);
  return async () => {
    await encrypt();
  };
}

export const libsignalSystem: BenchSystem = {
  name: 'libsignal-client',
  prepare: {
    setup() {
      const alice = device('alice', 1);
      const { bob, bundle } = bobWithPreKeys();
      let counter = 0;
      return async () => {
        // Fresh session stores each time, so no record accumulates archived sessions across iterations.
        const a = { ...alice, sessions: new MemorySessionStore() };
        const b = { ...bob, sessions: new MemorySessionStore() };
        await firstContact(a, b, bundle(), counter++);
      };
    },
    async steady() {
      const { alice, bob } = await established();
      let counter = 0;
      return () => send(alice, bob, counter++);
    },
    async dhStep() {
      const { alice, bob } = await established();
      let counter = 0;
      return () => (counter++ % 2 === 0 ? send(alice, bob, counter) : send(bob, alice, counter));
    },
    async group100() {
      const { sender, receivers, encrypt } = await group(100);
      return async () => {
        const message = await encrypt();
        for (const store of receivers) {
          const plaintext = await groupDecrypt(sender, store, message);
          check(plaintext.length === MESSAGE_BYTES, 'libsignal group decrypt');
        }
      };
    },
    async groupPair() {
      const { sender, receivers, encrypt } = await group(2);
      return async () => {
        const plaintext = await groupDecrypt(sender, receivers[0]!, await encrypt());
        check(plaintext.length === MESSAGE_BYTES, 'libsignal group decrypt');
      };
    },
    sender10: () => senderOnly(10),
    sender100: () => senderOnly(100),
    sender1000: () => senderOnly(1000),
  },
};
