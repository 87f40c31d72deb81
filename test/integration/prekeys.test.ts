// The prekey directory through the client transport against a real relay: Bob publishes a signed prekey, one-time
// prekeys, signed one-time KEM prekeys and a last-resort KEM prekey; Alice fetches his bundle, verifies it and starts
// a PQXDH session whose first message Bob opens with the prekeys the bundle named. When the one-time KEM prekeys are
// used up the relay serves the last-resort one; a rotated last-resort key replaces the old; a tampered KEM ciphertext
// or a forged KEM signature fails cleanly; fetching Bob's keys down pushes prekeysLow to him.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CryptoError,
  decodePreKeyMessage,
  encodePreKeyMessage,
  generateKemOneTimePreKeys,
  generateKemPreKey,
  generateOneTimePreKeys,
  generateSignedPreKey,
  identityKeyPairFromSeed,
  nobleCryptoProvider as noble,
  sessionEncrypt,
  sessionInitiate,
  sessionRespond,
  verifyPreKeyBundle,
  type KemPreKey,
} from '../../src/shared/crypto';
import type { Delivery, Transport } from '../../src/main/core/transport';
import { startTestRelay, type TestRelay } from '../support/relay-harness';
import { registerDevice, transportFor, waitFor, waitForState } from './support';

let relay: TestRelay;
const transports: Transport[] = [];

beforeAll(async () => {
  relay = await startTestRelay();
});
afterEach(() => {
  for (const transport of transports.splice(0)) transport.stop();
});
afterAll(async () => {
  await relay?.close();
});

async function onlineTransport(prefix: string) {
  const device = await registerDevice(relay.url, prefix);
  const transport = transportFor(relay.url, device);
  transports.push(transport);
  transport.start();
  await waitForState(transport, 'online');
  return { device, transport, identity: identityKeyPairFromSeed(noble, device.identity.privateKey) };
}

const publicKem = (key: KemPreKey) => ({ id: key.id, publicKey: key.keyPair.publicKey, signature: key.signature });

describe('prekeys through the transport and a real relay', () => {
  it('Bob publishes, Alice fetches and verifies his bundle, and PQXDH with it reaches Bob', async () => {
    const bob = await onlineTransport('bob');
    const alice = await onlineTransport('alice');
    const signedPreKey = generateSignedPreKey(noble, bob.identity, 1, Date.now());
    const oneTimePreKeys = generateOneTimePreKeys(noble, 1, 25);
    const kemPreKeys = generateKemOneTimePreKeys(noble, bob.identity, 101, 3, Date.now());
    const lastResort = generateKemPreKey(noble, bob.identity, 100, Date.now(), true);
    const published = await bob.transport.publishPrekeys({
      signedPreKey: { id: signedPreKey.id, publicKey: signedPreKey.keyPair.publicKey, signature: signedPreKey.signature },
      oneTimePreKeys: oneTimePreKeys.map((key) => ({ id: key.id, publicKey: key.keyPair.publicKey })),
      kemPreKeys: kemPreKeys.map(publicKem),
      lastResortKemPreKey: publicKem(lastResort),
    });
    expect(published).toEqual({ oneTimePreKeys: 25, kemPreKeys: 3 });
    expect(await bob.transport.countPrekeys()).toEqual({ oneTimePreKeys: 25, signedPreKeyId: 1, kemPreKeys: 3, lastResortKemPreKeyId: 100 });

    const fetched = await alice.transport.fetchPrekeys(bob.device.username.toUpperCase());
    expect(fetched.user).toBe(bob.device.username);
    expect(fetched.devices.map((d) => d.device)).toEqual([1]);
    const { bundle } = fetched.devices[0]!;
    expect(() => verifyPreKeyBundle(noble, bundle)).not.toThrow();
    expect(bundle.identityKey).toEqual(bob.device.identity.publicKey);
    expect(bundle.signedPreKey.publicKey).toEqual(signedPreKey.keyPair.publicKey);
    expect(bundle.oneTimePreKey?.id).toBe(1);
    expect(bundle.oneTimePreKey?.publicKey).toEqual(oneTimePreKeys[0]!.keyPair.publicKey);
    expect(bundle.kemPreKey.id).toBe(101);
    expect(bundle.kemPreKey.publicKey).toEqual(kemPreKeys[0]!.keyPair.publicKey);
    // The verification means something: a bundle with another signed prekey fails it.
    const tampered = { ...bundle, signedPreKey: { ...bundle.signedPreKey, publicKey: oneTimePreKeys[1]!.keyPair.publicKey } };
    expect(() => verifyPreKeyBundle(noble, tampered)).toThrow(CryptoError);

    // The bundle is usable: Alice's first message opens on Bob's side with the prekeys it names.
    const received: Delivery[] = [];
    bob.transport.on('delivery', (delivery) => received.push(delivery));
    const first = sessionEncrypt(noble, sessionInitiate(noble, alice.identity, bundle), new TextEncoder().encode('hello Bob'));
    await alice.transport.send('first-contact', [{ user: bob.device.username, device: 1 }], first.message);
    const [delivery] = await waitFor(() => received.length > 0 && received, 'the first message at Bob');
    const opened = sessionRespond(noble, bob.identity, delivery!.payload, {
      signedPreKey,
      oneTimePreKey: oneTimePreKeys.find((key) => key.id === bundle.oneTimePreKey?.id),
      kemPreKey: kemPreKeys.find((key) => key.id === bundle.kemPreKey.id),
    });
    expect(new TextDecoder().decode(opened.plaintext)).toBe('hello Bob');
    expect(opened.usedOneTimePreKeyId).toBe(1);
    expect(opened.usedKemPreKeyId).toBe(101);
    expect(await bob.transport.countPrekeys()).toEqual({ oneTimePreKeys: 24, signedPreKeyId: 1, kemPreKeys: 2, lastResortKemPreKeyId: 100 });
  });

  it('one-time KEM prekeys used up: the last-resort one, every time; a rotated one replaces it; tampering fails cleanly', async () => {
    const bob = await onlineTransport('bob');
    const alice = await onlineTransport('alice');
    const signedPreKey = generateSignedPreKey(noble, bob.identity, 1, Date.now());
    const kemPreKeys = generateKemOneTimePreKeys(noble, bob.identity, 11, 2, Date.now());
    const lastResort = generateKemPreKey(noble, bob.identity, 10, Date.now(), true);
    await bob.transport.publishPrekeys({
      signedPreKey: { id: 1, publicKey: signedPreKey.keyPair.publicKey, signature: signedPreKey.signature },
      oneTimePreKeys: [],
      kemPreKeys: kemPreKeys.map(publicKem),
      lastResortKemPreKey: publicKem(lastResort),
    });
    const fetchKemId = async () => (await alice.transport.fetchPrekeys(bob.device.username)).devices[0]!.bundle.kemPreKey.id;
    expect([await fetchKemId(), await fetchKemId(), await fetchKemId(), await fetchKemId()]).toEqual([11, 12, 10, 10]);
    expect(await bob.transport.countPrekeys()).toMatchObject({ kemPreKeys: 0, lastResortKemPreKeyId: 10 });

    // A session on the last-resort key opens; Bob keeps that key (it is not one-time).
    const bundle = (await alice.transport.fetchPrekeys(bob.device.username)).devices[0]!.bundle;
    const first = sessionEncrypt(noble, sessionInitiate(noble, alice.identity, bundle), new TextEncoder().encode('on the last resort')).message;
    const bobKeys = { signedPreKey, kemPreKey: lastResort };
    const opened = sessionRespond(noble, bob.identity, first, bobKeys);
    expect(new TextDecoder().decode(opened.plaintext)).toBe('on the last resort');

    // A tampered KEM ciphertext: Bob derives another secret, and the first message does not authenticate.
    const { header, message } = decodePreKeyMessage(first);
    const ciphertext = header.kemCiphertext.slice();
    ciphertext[0]! ^= 0x01;
    const tampered = encodePreKeyMessage({ header: { ...header, kemCiphertext: ciphertext }, message });
    expect(() => sessionRespond(noble, bob.identity, tampered, bobKeys)).toThrow(expect.objectContaining({ code: 'tampered' }));

    // Rotation: a new last-resort key replaces the old one on the relay.
    const rotated = generateKemPreKey(noble, bob.identity, 13, Date.now(), true);
    await bob.transport.publishPrekeys({ oneTimePreKeys: [], lastResortKemPreKey: publicKem(rotated) });
    expect(await fetchKemId()).toBe(13);

    // A KEM prekey signed by someone else: the relay refuses it and stores nothing...
    const forged = generateKemPreKey(noble, alice.identity, 14, Date.now(), false);
    await expect(bob.transport.publishPrekeys({ oneTimePreKeys: [], kemPreKeys: [publicKem(forged)] })).rejects.toMatchObject({ code: 'bad_prekey_signature' });
    expect(await fetchKemId()).toBe(13);
    // ...and an initiator refuses such a bundle if a relay served one anyway.
    const served = (await alice.transport.fetchPrekeys(bob.device.username)).devices[0]!.bundle;
    expect(() => sessionInitiate(noble, alice.identity, { ...served, kemPreKey: { ...served.kemPreKey, signature: forged.signature } })).toThrow(
      expect.objectContaining({ code: 'bad_signature' }),
    );
  });

  it('pushes prekeysLow to Bob once fetches leave him below the threshold, and fetches never share a key', async () => {
    const bob = await onlineTransport('bob');
    const alice = await onlineTransport('alice');
    const carol = await onlineTransport('carol');
    const signedPreKey = generateSignedPreKey(noble, bob.identity, 5, Date.now());
    await bob.transport.publishPrekeys({
      signedPreKey: { id: 5, publicKey: signedPreKey.keyPair.publicKey, signature: signedPreKey.signature },
      oneTimePreKeys: generateOneTimePreKeys(noble, 1, 22).map((key) => ({ id: key.id, publicKey: key.keyPair.publicKey })),
      lastResortKemPreKey: publicKem(generateKemPreKey(noble, bob.identity, 1, Date.now(), true)),
    });
    const low: number[] = [];
    bob.transport.on('prekeysLow', (count) => low.push(count));
    const fetches = await Promise.all(
      [alice, carol, alice, carol].map(({ transport }) => transport.fetchPrekeys(bob.device.username)),
    );
    const ids = fetches.map((f) => f.devices[0]!.bundle.oneTimePreKey?.id);
    expect(new Set(ids).size).toBe(4);
    await waitFor(() => low.length >= 2, 'prekeysLow at Bob');
    expect(low).toEqual([19, 18]);
    // Bob asking for his own user's bundles gets none: he is the only device.
    await expect(bob.transport.fetchPrekeys(bob.device.username)).rejects.toMatchObject({ code: 'no_prekeys', retryable: true });
    await expect(alice.transport.fetchPrekeys('nobody-here-at-all')).rejects.toMatchObject({
      code: 'unknown_user',
      retryable: false,
      message: 'No one with that username on this relay.',
    });
  });
});
