// Small builders shared by the protocol tests: identities, prekeys and started sessions over a given provider.
import { createPreKeyBundle } from '../bundle';
import { generateIdentityKeyPair, type IdentityKeyPair } from '../identity';
import { generateOneTimePreKeys, generateSignedPreKey, type OneTimePreKey, type SignedPreKey } from '../prekeys';
import type { CryptoProvider } from '../provider';
import { ratchetDecrypt, ratchetEncrypt, ratchetInitAlice, ratchetInitBob } from '../ratchet';
import type { RatchetState } from '../ratchet-state';
import { serializeRatchetState } from '../ratchet-state';
import { x3dhInitiate, x3dhRespond } from '../x3dh';
import { toHex } from '../bytes';

export interface Device {
  identity: IdentityKeyPair;
  signedPreKey: SignedPreKey;
  oneTimePreKeys: OneTimePreKey[];
}

export function makeDevice(provider: CryptoProvider, oneTimePreKeys = 2): Device {
  const identity = generateIdentityKeyPair(provider);
  return {
    identity,
    signedPreKey: generateSignedPreKey(provider, identity, 1, 0),
    oneTimePreKeys: generateOneTimePreKeys(provider, 1, oneTimePreKeys),
  };
}

export function bundleOf(device: Device, withOneTimePreKey = true) {
  return createPreKeyBundle(device.identity, device.signedPreKey, withOneTimePreKey ? device.oneTimePreKeys[0] : undefined);
}

/**
 * Alice and Bob ratchet states right after X3DH and Alice's first message reaching Bob, so both can send.
 * The first message's plaintext is [0].
 */
export function startedRatchets(provider: CryptoProvider): { alice: RatchetState; bob: RatchetState } {
  const alice = makeDevice(provider);
  const bob = makeDevice(provider);
  const init = x3dhInitiate(provider, alice.identity, bundleOf(bob));
  const a0 = ratchetInitAlice(provider, init.sharedSecret, init.remoteSignedPreKey, init.associatedData);
  const resp = x3dhRespond(provider, bob.identity, init.header, bob.signedPreKey, bob.oneTimePreKeys[0]);
  const b0 = ratchetInitBob(resp.sharedSecret, bob.signedPreKey.keyPair, resp.associatedData);
  const first = ratchetEncrypt(provider, a0, Uint8Array.of(0));
  return { alice: first.state, bob: ratchetDecrypt(provider, b0, first.message).state };
}

/** A fingerprint of a whole state, for "unchanged after a failure" assertions. */
export const stateHex = (state: RatchetState): string => toHex(serializeRatchetState(state));
