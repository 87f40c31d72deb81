// The relay's opaque payload: one version byte, then a ciphertext of the crypto layer (a prekey or ratchet
// message for pairwise traffic, a sender-key message for a group). The relay learns which of those it is, as it
// learns the fan-out anyway; everything else is inside the ciphertext.
import { messageKind, type MessageKind } from '../../../shared/crypto/formats';

export const PAYLOAD_VERSION = 0x01;

export function wrapPayload(ciphertext: Uint8Array): Uint8Array {
  const out = new Uint8Array(ciphertext.length + 1);
  out[0] = PAYLOAD_VERSION;
  out.set(ciphertext, 1);
  return out;
}

export type UnwrappedPayload = { kind: Extract<MessageKind, 'ratchet' | 'preKey' | 'senderKey'>; ciphertext: Uint8Array };

/** Undefined for a payload this version cannot read. */
export function unwrapPayload(payload: Uint8Array): UnwrappedPayload | undefined {
  if (payload.length < 2 || payload[0] !== PAYLOAD_VERSION) return undefined;
  const ciphertext = payload.subarray(1);
  const kind = messageKind(ciphertext);
  if (kind === 'ratchet' || kind === 'preKey' || kind === 'senderKey') return { kind, ciphertext };
  return undefined;
}
