// Safety numbers: Signal's displayable numeric fingerprint, so two people can compare 60 digits and know no one
// sits between their identity keys. Both sides compute the same number; it changes when either identity key does.
import { utf8Encode } from '../encoding/utf8';
import { concatBytes } from './bytes';
import { encodeIdentityKey } from './identity';
import type { CryptoProvider } from './provider';

/** Signal's iteration count for displayable fingerprints. */
export const SAFETY_NUMBER_ITERATIONS = 5200;
/** The hashed format version (the first two bytes), 0 as in Signal's NumericFingerprintGenerator. */
const FINGERPRINT_FORMAT_VERSION = Uint8Array.of(0, 0);

export interface SafetyNumberParty {
  /** A stable identifier of the account (Parley uses the normalized username); a string is UTF-8 encoded. */
  readonly identifier: Uint8Array | string;
  /** The Ed25519 identity key; hashed in its Encode(IK) form, 0x05 || X25519, as libsignal serializes it. */
  readonly identityKey: Uint8Array;
}

/**
 * One side's 30 digits: SHA-512 iterated `iterations` times over version || key || identifier, then each key,
 * and the first 30 bytes read as six 40-bit big-endian numbers mod 100000.
 */
export function fingerprintDigits(provider: CryptoProvider, party: SafetyNumberParty, iterations = SAFETY_NUMBER_ITERATIONS): string {
  const key = encodeIdentityKey(provider, party.identityKey);
  const id = typeof party.identifier === 'string' ? utf8Encode(party.identifier) : party.identifier;
  // One buffer reused for every round: the digest (64 bytes) followed by the key.
  const round = new Uint8Array(64 + key.length);
  round.set(key, 64);
  let digest = provider.sha512(concatBytes(FINGERPRINT_FORMAT_VERSION, key, id, key));
  for (let i = 1; i < iterations; i++) {
    round.set(digest, 0);
    digest = provider.sha512(round);
  }
  let digits = '';
  for (let chunk = 0; chunk < 6; chunk++) {
    let value = 0;
    for (let b = 0; b < 5; b++) value = value * 256 + digest[chunk * 5 + b]!;
    digits += String(value % 100_000).padStart(5, '0');
  }
  return digits;
}

/** The 60-digit safety number: both sides' 30 digits, the smaller first, so local and remote agree. */
export function safetyNumber(
  provider: CryptoProvider,
  local: SafetyNumberParty,
  remote: SafetyNumberParty,
  iterations = SAFETY_NUMBER_ITERATIONS,
): string {
  const a = fingerprintDigits(provider, local, iterations);
  const b = fingerprintDigits(provider, remote, iterations);
  return a <= b ? a + b : b + a;
}

/** Twelve groups of five digits, the way it is shown. */
export function formatSafetyNumber(number: string): string[] {
  return number.match(/\d{5}/g) ?? [];
}
