// SecretStore over Electron's safeStorage: the OS keychain (macOS Keychain, Windows DPAPI, libsecret/kwallet on
// Linux). On Linux without a secret service Electron falls back to a hard-coded key ("basic_text"); that is
// reported as weak so the user is told, as docs/architecture.md ("Trust boundaries") requires.
import { safeStorage } from 'electron';
import { SecretStoreError, type SecretStore, type SecretStoreSecurity } from '../core/secrets';

const WEAK_BACKENDS = new Set(['basic_text', 'unknown']);

export class SafeStorageSecretStore implements SecretStore {
  readonly security: SecretStoreSecurity;

  constructor() {
    const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : 'os';
    const weak = WEAK_BACKENDS.has(backend);
    this.security = {
      backing: weak ? 'file' : 'os-keychain',
      weak,
      description: weak ? 'a fixed key (no system keychain found)' : keychainName(backend),
      warning: weak
        ? 'No system keychain was found, so your private keys are not protected at rest. Install and unlock a ' +
          'secret service (GNOME Keyring or KWallet) and restart Parley.'
        : null,
    };
  }

  static available(): boolean {
    return safeStorage.isEncryptionAvailable();
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

function keychainName(backend: string): string {
  if (process.platform === 'darwin') return 'macOS Keychain';
  if (process.platform === 'win32') return 'Windows Data Protection (DPAPI)';
  return `system keychain (${backend})`;
}
