// The prekey directory through the client transport against a real relay: Bob publishes a signed prekey and
// one-time prekeys, Alice fetches his bundle, verifies it and starts an X3DH session whose first message Bob opens
// with the prekeys the bundle named; fetching Bob's keys down pushes prekeysLow to him.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CryptoError,
  generateOneTimePreKeys,
  generateSignedPreKey,
  identityKeyPairFromSeed,
  nobleCryptoProvider as noble,
  sessionEncrypt,
  sessionInitiate,
  sessionRespond,
  verifyPreKeyBundle,
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

describe('prekeys through the transport and a real relay', () => {
  it('Bob publishes, Alice fetches and verifies his bundle, and X3DH with it reaches Bob', async () => {
    const bob = await onlineTransport('bob');
    const alice = await onlineTransport('alice');
    const signedPreKey = generateSignedPreKey(noble, bob.identity, 1, Date.now());
    const oneTimePreKeys = generateOneTimePreKeys(noble, 1, 25);
    const published = await bob.transport.publishPrekeys({
      signedPreKey: { id: signedPreKey.id, publicKey: signedPreKey.keyPair.publicKey, signature: signedPreKey.signature },
      oneTimePreKeys: oneTimePreKeys.map((key) => ({ id: key.id, publicKey: key.keyPair.publicKey })),
    });
    expect(published).toEqual({ oneTimePreKeys: 25 });
    expect(await bob.transport.countPrekeys()).toEqual({ oneTimePreKeys: 25, signedPreKeyId: 1 });

    const fetched = await alice.transport.fetchPrekeys(bob.device.username.toUpperCase());
    expect(fetched.user).toBe(bob.device.username);
    expect(fetched.devices.map((d) => d.device)).toEqual([1]);
    const { bundle } = fetched.devices[0]!;
    expect(() => verifyPreKeyBundle(noble, bundle)).not.toThrow();
    expect(bundle.identityKey).toEqual(bob.device.identity.publicKey);
    expect(bundle.signedPreKey.publicKey).toEqual(signedPreKey.keyPair.publicKey);
    expect(bundle.oneTimePreKey?.id).toBe(1);
    expect(bundle.oneTimePreKey?.publicKey).toEqual(oneTimePreKeys[0]!.keyPair.publicKey);
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
    });
    expect(new TextDecoder().decode(opened.plaintext)).toBe('hello Bob');
    expect(opened.usedOneTimePreKeyId).toBe(1);
    expect(await bob.transport.countPrekeys()).toEqual({ oneTimePreKeys: 24, signedPreKeyId: 1 });
  });

  it('pushes prekeysLow to Bob once fetches leave him below the threshold, and fetches never share a key', async () => {
    const bob = await onlineTransport('bob');
    const alice = await onlineTransport('alice');
    const carol = await onlineTransport('carol');
    const signedPreKey = generateSignedPreKey(noble, bob.identity, 5, Date.now());
    await bob.transport.publishPrekeys({
      signedPreKey: { id: 5, publicKey: signedPreKey.keyPair.publicKey, signature: signedPreKey.signature },
      oneTimePreKeys: generateOneTimePreKeys(noble, 1, 22).map((key) => ({ id: key.id, publicKey: key.keyPair.publicKey })),
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
