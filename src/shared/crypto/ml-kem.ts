// ML-KEM-768 (FIPS 203) for PQXDH, over @noble/post-quantum: the noble provider's, the reference the node
// provider's WebAssembly backend (src/main/core/crypto/liboqs-ml-kem.ts) is checked against, and its fallback.
// Errors are the crypto layer's typed ones; nothing here logs or keeps key material.
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { CryptoError } from './errors';
import {
  ML_KEM_768_CIPHERTEXT_BYTES,
  ML_KEM_768_PUBLIC_KEY_BYTES,
  ML_KEM_768_SECRET_KEY_BYTES,
  type CryptoProvider,
} from './provider';

export type KemPrimitives = Pick<CryptoProvider, 'mlKem768GenerateKeyPair' | 'mlKem768Encapsulate' | 'mlKem768Decapsulate'>;

export const mlKem768: KemPrimitives = {
  mlKem768GenerateKeyPair() {
    const { publicKey, secretKey } = ml_kem768.keygen();
    return { publicKey, secretKey };
  },
  mlKem768Encapsulate(publicKey) {
    if (publicKey.length !== ML_KEM_768_PUBLIC_KEY_BYTES) throw new CryptoError('bad_key', 'ML-KEM-768 public key must be 1184 bytes');
    try {
      const { cipherText, sharedSecret } = ml_kem768.encapsulate(publicKey);
      return { ciphertext: cipherText, sharedSecret };
    } catch {
      throw new CryptoError('bad_key', 'ML-KEM-768 public key fails the FIPS 203 encapsulation key check');
    }
  },
  mlKem768Decapsulate(ciphertext, secretKey) {
    if (ciphertext.length !== ML_KEM_768_CIPHERTEXT_BYTES) throw new CryptoError('bad_message', 'ML-KEM-768 ciphertext must be 1088 bytes');
    if (secretKey.length !== ML_KEM_768_SECRET_KEY_BYTES) throw new CryptoError('bad_key', 'ML-KEM-768 secret key must be 2400 bytes');
    try {
      return ml_kem768.decapsulate(ciphertext, secretKey);
    } catch {
      // Only a secret key whose embedded hash does not match fails here: a corrupt key, not a peer's doing.
      throw new CryptoError('bad_key', 'ML-KEM-768 secret key fails the FIPS 203 decapsulation key check');
    }
  },
};
