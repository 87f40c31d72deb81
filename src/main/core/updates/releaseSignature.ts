// Parley's own release signature, checked on top of electron-updater's sha512 (the only check a Linux update gets):
// an Ed25519 signature by Parley's release key over the artifact's SHA-256 and its version, so a compromised feed
// or download server can neither serve other bytes nor relabel an older signed build as a newer version.
// `npm run release:sign` makes them (scripts/release-sign.ts); the private key never enters the repository.
import { ed25519 } from '@noble/curves/ed25519.js';
import { utf8Encode } from '../../../shared/encoding/utf8';

const DOMAIN = 'parley-release-v1';

/** The signed bytes: "parley-release-v1\n" ‖ version ‖ "\n" ‖ SHA-256(artifact). */
export function releaseMessage(version: string, sha256: Uint8Array): Uint8Array {
  if (sha256.length !== 32) throw new RangeError('a SHA-256 digest is 32 bytes');
  const head = utf8Encode(`${DOMAIN}\n${version}\n`);
  const message = new Uint8Array(head.length + 32);
  message.set(head);
  message.set(sha256, head.length);
  return message;
}

export function signRelease(privateKey: Uint8Array, version: string, sha256: Uint8Array): Uint8Array {
  return ed25519.sign(releaseMessage(version, sha256), privateKey);
}

/** True only for a valid signature by `publicKey` over exactly this version and digest. Never throws. */
export function verifyRelease(publicKey: Uint8Array, version: string, sha256: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64 || sha256.length !== 32) return false;
  try {
    return ed25519.verify(signature, releaseMessage(version, sha256), publicKey, { zip215: false });
  } catch {
    return false;
  }
}

export function releasePublicKey(privateKey: Uint8Array): Uint8Array {
  return ed25519.getPublicKey(privateKey);
}
