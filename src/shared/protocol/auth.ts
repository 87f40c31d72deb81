// The exact bytes a device signs to authenticate or register. Domain-separated so a signature made for one
// purpose can never be replayed for another.
import { normalizeUsername } from './fields';
import { utf8Encode } from '../encoding/utf8';

export function authSigningBytes(nonce: string, user: string, device: number): Uint8Array {
  return utf8Encode(['parley-auth-v1', nonce, normalizeUsername(user), String(device)].join('\n'));
}

export function registrationSigningBytes(nonce: string, username: string, device: number, identityKey: string): Uint8Array {
  return utf8Encode(['parley-register-v1', nonce, normalizeUsername(username), String(device), identityKey].join('\n'));
}
