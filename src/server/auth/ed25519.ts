// Ed25519 signature verification with node:crypto (OpenSSL), which is several times faster than a pure-JS
// verifier. Raw 32-byte public keys are wrapped in the fixed SPKI DER prefix for Ed25519 (RFC 8410).
import { createPublicKey, verify } from 'node:crypto';
import { fromBase64 } from '../../shared/encoding/base64';

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** True only for a valid signature; any malformed key or signature is simply false. */
export function verifyEd25519(publicKeyBase64: string, message: Uint8Array, signatureBase64: string): boolean {
  try {
    const raw = fromBase64(publicKeyBase64);
    const signature = fromBase64(signatureBase64);
    if (raw.length !== 32 || signature.length !== 64) return false;
    const key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}
