// SecretStore over Electron's safeStorage: the OS keychain (macOS Keychain, Windows DPAPI, libsecret or KWallet on
// Linux). Which backend protects the keys — and whether it is the one that protected them before — is decided in
// src/main/core/secrets (secretBackend.ts, openSecretStore.ts); Linux's "basic_text" never reaches this store.
import { safeStorage } from 'electron';
import { SecretStoreError, type SecretStore, type SecretStoreSecurity } from '../core/secrets';
import { openSecretStore, type OpenedSecretStore } from '../core/secrets/openSecretStore';
import { describeSecretBackend } from '../core/secrets/secretBackend';

export class SafeStorageSecretStore implements SecretStore {
  readonly security: SecretStoreSecurity;

  constructor(backend: `keychain:${string}`) {
    this.security = { backing: 'os-keychain', weak: false, description: describeSecretBackend(backend), warning: null };
  }

  async protect(plaintext: Uint8Array): Promise<Uint8Array> {
    try {
      return new Uint8Array(safeStorage.encryptString(Buffer.from(plaintext).toString('base64')));
    } catch (error) {
      throw new SecretStoreError('key_unavailable', 'The system keychain refused to protect a secret; it may be locked.', { cause: error });
    }
  }

  async unprotect(sealed: Uint8Array): Promise<Uint8Array> {
    let text: string;
    try {
      text = safeStorage.decryptString(Buffer.from(sealed));
    } catch (error) {
      throw new SecretStoreError('secret_tampered', 'The system keychain could not open a protected secret.', { cause: error });
    }
    return new Uint8Array(Buffer.from(text, 'base64'));
  }
}

/** The keychain store (or the key file where there is no real keychain), checked against the recorded backend. */
export function openKeychainSecretStore(dataDir: string): Promise<OpenedSecretStore> {
  return openSecretStore(dataDir, {
    facts: {
      platform: process.platform,
      encryptionAvailable: safeStorage.isEncryptionAvailable(),
      linuxBackend: process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : null,
    },
    open: (backend) => new SafeStorageSecretStore(backend),
  });
}
