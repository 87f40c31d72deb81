// The Double Ratchet's two KDF chains (spec §5.2): KDF_RK as HKDF-SHA256 keyed by the root key, KDF_CK as
// HMAC-SHA256 with constants 0x01 (message key) and 0x02 (next chain key), as Signal recommends.
import { utf8Encode } from '../encoding/utf8';
import type { CryptoProvider } from './provider';

const KDF_RK_INFO = utf8Encode('Parley_Ratchet_RootChain_v1');
const MESSAGE_KEY_CONSTANT = Uint8Array.of(0x01);
const CHAIN_KEY_CONSTANT = Uint8Array.of(0x02);

/** KDF_RK(rk, dh_out) → (root key, chain key). */
export function kdfRk(provider: CryptoProvider, rootKey: Uint8Array, dhOutput: Uint8Array): [Uint8Array, Uint8Array] {
  const okm = provider.hkdfSha256(dhOutput, rootKey, KDF_RK_INFO, 64);
  return [okm.slice(0, 32), okm.slice(32, 64)];
}

/** KDF_CK(ck) → (next chain key, message key). */
export function kdfCk(provider: CryptoProvider, chainKey: Uint8Array): [Uint8Array, Uint8Array] {
  return [provider.hmacSha256(chainKey, CHAIN_KEY_CONSTANT), provider.hmacSha256(chainKey, MESSAGE_KEY_CONSTANT)];
}
