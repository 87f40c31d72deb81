// Small builders shared by the protocol tests: identities, prekeys and started sessions over a given provider.
import { createPreKeyBundle } from '../bundle';
import { generateIdentityKeyPair, type IdentityKeyPair } from '../identity';
import { generateKemOneTimePreKeys, generateKemPreKey, generateOneTimePreKeys, generateSignedPreKey, type KemPreKey, type OneTimePreKey, type SignedPreKey } from '../prekeys';
import type { CryptoProvider } from '../provider';
import { ratchetDecrypt, ratchetEncrypt, ratchetInitAlice, ratchetInitBob } from '../ratchet';
import type { RatchetState } from '../ratchet-state';
import { serializeRatchetState } from '../ratchet-state';
import { pqxdhInitiate, pqxdhRespond } from '../pqxdh';
import { toHex } from '../bytes';

export interface Device {
  identity: IdentityKeyPair;
  signedPreKey: SignedPreKey;
  oneTimePreKeys: OneTimePreKey[];
  /** One-time KEM prekeys (ids 101, 102, …) and the last-resort one (id 100). */
  kemPreKeys: KemPreKey[];
  lastResortKemPreKey: KemPreKey;
}

export function makeDevice(provider: CryptoProvider, oneTimePreKeys = 2): Device {
  const identity = generateIdentityKeyPair(provider);
  return {
    identity,
    signedPreKey: generateSignedPreKey(provider, identity, 1, 0),
    oneTimePreKeys: generateOneTimePreKeys(provider, 1, oneTimePreKeys),
    kemPreKeys: generateKemOneTimePreKeys(provider, identity, 101, oneTimePreKeys, 0),
    lastResortKemPreKey: generateKemPreKey(provider, identity, 100, 0, true),
  };
}

/** The bundle the relay would serve: the first one-time prekeys, or without them (the last-resort KEM key then). */
export function bundleOf(device: Device, withOneTimePreKeys = true) {
  const kem = withOneTimePreKeys ? device.kemPreKeys[0]! : device.lastResortKemPreKey;
  return createPreKeyBundle(device.identity, device.signedPreKey, kem, withOneTimePreKeys ? device.oneTimePreKeys[0] : undefined);
}

/** The prekeys a responder holds, looked up as the core does: by the ids a header names. */
export function preKeysOf(device: Device, header: { oneTimePreKeyId?: number | undefined; kemPreKeyId: number }) {
  return {
    signedPreKey: device.signedPreKey,
    oneTimePreKey: device.oneTimePreKeys.find((k) => k.id === header.oneTimePreKeyId),
    kemPreKey: [...device.kemPreKeys, device.lastResortKemPreKey].find((k) => k.id === header.kemPreKeyId),
  };
}

/**
 * Alice and Bob ratchet states right after PQXDH and Alice's first message reaching Bob, so both can send.
 * The first message's plaintext is [0].
 */
export function startedRatchets(provider: CryptoProvider): { alice: RatchetState; bob: RatchetState } {
  const alice = makeDevice(provider);
  const bob = makeDevice(provider);
  const init = pqxdhInitiate(provider, alice.identity, bundleOf(bob));
  const a0 = ratchetInitAlice(provider, init.sharedSecret, init.remoteSignedPreKey, init.associatedData);
  const resp = pqxdhRespond(provider, bob.identity, init.header, preKeysOf(bob, init.header));
  const b0 = ratchetInitBob(resp.sharedSecret, bob.signedPreKey.keyPair, resp.associatedData);
  const first = ratchetEncrypt(provider, a0, Uint8Array.of(0));
  return { alice: first.state, bob: ratchetDecrypt(provider, b0, first.message).state };
}

/** A fingerprint of a whole state, for "unchanged after a failure" assertions. */
export const stateHex = (state: RatchetState): string => toHex(serializeRatchetState(state));
