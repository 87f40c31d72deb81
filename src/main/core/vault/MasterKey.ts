// The vault's master key: 256 random bits made on first use, kept on disk only in the form the SecretStore
// protected it (the OS keychain in the desktop app). Whoever cannot unprotect it cannot read a single record.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CryptoProvider } from '../../../shared/crypto/provider';
import { writeFileAtomic, type AtomicFileSystem } from '../account/atomicFile';
import type { SecretStore } from '../secrets';
import { VaultError, errnoOf } from './VaultError';

export const MASTER_KEY_FILE = 'master.key';
const MASTER_KEY_BYTES = 32;
const FORMAT = 0x01;
const MAX_FILE_BYTES = 16 * 1024;

/** Reads and unprotects the master key of the vault in `dir`, creating one if there is none yet. */
export async function loadOrCreateMasterKey(
  dir: string,
  secrets: SecretStore,
  provider: CryptoProvider,
  fs?: AtomicFileSystem,
): Promise<{ key: Uint8Array; created: boolean }> {
  const path = join(dir, MASTER_KEY_FILE);
  let stored: Uint8Array | undefined;
  try {
    stored = new Uint8Array(await readFile(path));
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT') {
      throw new VaultError('vault_io', `Parley cannot read its vault key (${errnoOf(error)}).`, { cause: error });
    }
  }
  if (stored) return { key: await unprotectKey(stored, secrets), created: false };

  const key = provider.randomBytes(MASTER_KEY_BYTES);
  let sealed: Uint8Array;
  try {
    sealed = await secrets.protect(key);
  } catch (error) {
    throw new VaultError('vault_locked', 'The vault key could not be protected; the keychain may be locked.', { cause: error });
  }
  const file = new Uint8Array(1 + sealed.length);
  file[0] = FORMAT;
  file.set(sealed, 1);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(path, file, { mode: 0o600, fs });
  } catch (error) {
    throw new VaultError('vault_io', `Parley could not save its vault key (${errnoOf(error)}).`, { cause: error });
  }
  return { key, created: true };
}

async function unprotectKey(stored: Uint8Array, secrets: SecretStore): Promise<Uint8Array> {
  if (stored.length < 2 || stored.length > MAX_FILE_BYTES || stored[0] !== FORMAT) {
    throw new VaultError('vault_locked', 'The vault key file is damaged; the vault cannot be opened.');
  }
  let key: Uint8Array;
  try {
    key = await secrets.unprotect(stored.subarray(1));
  } catch (error) {
    throw new VaultError(
      'vault_locked',
      'The vault key cannot be opened: the keychain is locked, or the key was protected by another keychain or key file.',
      { cause: error },
    );
  }
  if (key.length !== MASTER_KEY_BYTES) throw new VaultError('vault_locked', 'The vault key file holds a key of the wrong size.');
  return key;
}
