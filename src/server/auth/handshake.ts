// The challenge–response handshake: checks the first frame of a connection (register or auth) against the nonce
// issued on that connection and the device's Ed25519 identity key. Decides; never touches the socket.
import {
  authSigningBytes,
  normalizeUsername,
  registrationSigningBytes,
  type Address,
  type AuthFrame,
  type CloseCodeName,
  type RegisterFrame,
} from '../../shared/protocol';
import type { AccountStore } from '../store/relay-store';
import { verifyEd25519 } from './ed25519';
import type { NonceRegistry, NonceVerdict } from './nonce-registry';

export type HandshakeOutcome =
  | { ok: true; address: Address; registered: boolean }
  | { ok: false; close: CloseCodeName };

export interface HandshakeDeps {
  nonces: NonceRegistry;
  accounts: AccountStore;
  now: () => number;
}

const NONCE_FAILURE: Record<Exclude<NonceVerdict, 'ok'>, CloseCodeName> = {
  reused: 'nonceReused',
  expired: 'nonceExpired',
  unknown: 'nonceUnknown',
};

export async function runHandshake(
  frame: RegisterFrame | AuthFrame,
  connectionId: number,
  deps: HandshakeDeps,
): Promise<HandshakeOutcome> {
  const verdict = deps.nonces.consume(frame.nonce, connectionId);
  if (verdict !== 'ok') return { ok: false, close: NONCE_FAILURE[verdict] };
  return frame.type === 'register' ? register(frame, deps) : authenticate(frame, deps);
}

async function register(frame: RegisterFrame, deps: HandshakeDeps): Promise<HandshakeOutcome> {
  const signed = registrationSigningBytes(frame.nonce, frame.username, frame.device, frame.identityKey);
  if (!verifyEd25519(frame.identityKey, signed, frame.signature)) return { ok: false, close: 'badSignature' };
  const address = { user: normalizeUsername(frame.username), device: frame.device };
  const outcome = await deps.accounts.registerDevice({ address, identityKey: frame.identityKey, registeredAt: deps.now() });
  if (outcome === 'username_taken') return { ok: false, close: 'usernameTaken' };
  return { ok: true, address, registered: outcome === 'registered' };
}

async function authenticate(frame: AuthFrame, deps: HandshakeDeps): Promise<HandshakeOutcome> {
  const address = { user: normalizeUsername(frame.user), device: frame.device };
  const device = await deps.accounts.findDevice(address);
  if (device === undefined) return { ok: false, close: 'unknownDevice' };
  const signed = authSigningBytes(frame.nonce, frame.user, frame.device);
  if (!verifyEd25519(device.identityKey, signed, frame.signature)) return { ok: false, close: 'badSignature' };
  return { ok: true, address, registered: false };
}
