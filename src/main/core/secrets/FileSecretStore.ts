// A SecretStore backed by a random 256-bit key in a 0600 file in the data folder, with AES-256-GCM. It keeps secrets
// out of plain sight but is WEAK: whoever can read the folder can read the key. Only for Node tests and the browser
// shell; the desktop app uses the OS keychain. It must never claim to be more than that.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmod, link, mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { SecretStoreError, type SecretStore, type SecretStoreSecurity } from './SecretStore';

export const SECRET_KEY_FILE = 'secret-store.key';

const FORMAT_VERSION = 1;
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES;
/** Binds ciphertexts to this store and format, so they cannot be confused with other AES-GCM data under the key. */
const AAD = Buffer.from('parley-file-secret-store-v1');

const FILE_SECURITY: SecretStoreSecurity = Object.freeze({
  backing: 'file',
  weak: true,
  description: 'key file in the Parley data folder',
  warning:
    'Your private keys are protected only by a key file stored next to them, not by the system keychain. ' +
    'Anyone who can read your Parley data folder can read your keys and messages. Use the desktop app on a ' +
    'system with a keychain for real protection.',
});

export class FileSecretStore implements SecretStore {
  readonly security = FILE_SECURITY;

  private constructor(private readonly key: Buffer) {}

  /** Opens the store in `dataDir`, creating the folder and a fresh key on first use. */
  static async open(dataDir: string): Promise<FileSecretStore> {
    const keyPath = join(dataDir, SECRET_KEY_FILE);
    try {
      await mkdir(dataDir, { recursive: true, mode: 0o700 });
      const existing = await readKey(keyPath);
      return new FileSecretStore(existing ?? (await createKey(keyPath)));
    } catch (error) {
      if (error instanceof SecretStoreError) throw error;
      throw new SecretStoreError('key_unavailable', `The key file ${keyPath} cannot be read or created (${errnoOf(error)}).`, { cause: error });
    }
  }

  async protect(plaintext: Uint8Array): Promise<Uint8Array> {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(AAD);
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return new Uint8Array(Buffer.concat([Buffer.from([FORMAT_VERSION]), iv, body, cipher.getAuthTag()]));
  }

  async unprotect(sealed: Uint8Array): Promise<Uint8Array> {
    if (sealed.length < HEADER_BYTES + TAG_BYTES || sealed[0] !== FORMAT_VERSION) {
      throw new SecretStoreError('secret_corrupt', 'A protected secret is not in a format Parley can read.');
    }
    const data = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
    const iv = data.subarray(1, HEADER_BYTES);
    const tag = data.subarray(data.length - TAG_BYTES);
    const body = data.subarray(HEADER_BYTES, data.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(AAD);
    decipher.setAuthTag(tag);
    try {
      return new Uint8Array(Buffer.concat([decipher.update(body), decipher.final()]));
    } catch (error) {
      throw new SecretStoreError(
        'secret_tampered',
        'A protected secret was altered or was protected with a different key file; it cannot be opened.',
        { cause: error },
      );
    }
  }
}

async function readKey(keyPath: string): Promise<Buffer | undefined> {
  let key: Buffer;
  try {
    key = await readFile(keyPath);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return undefined;
    throw error;
  }
  if (key.length !== KEY_BYTES) {
    throw new SecretStoreError('key_corrupt', `The key file ${keyPath} is damaged (wrong size); secrets protected with it cannot be opened.`);
  }
  await tightenPermissions(keyPath);
  return key;
}

/**
 * Writes a new key so that it either fully exists or not at all: a temp file, fsynced, then hard-linked into place.
 * link() fails if another process created the key first; then that key wins and is read back.
 */
async function createKey(keyPath: string): Promise<Buffer> {
  const key = randomBytes(KEY_BYTES);
  const temp = `${keyPath}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(key);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temp, keyPath);
  } catch (error) {
    if (errnoOf(error) !== 'EEXIST') throw error;
    const winner = await readKey(keyPath);
    if (!winner) throw error;
    return winner;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  return key;
}

async function tightenPermissions(keyPath: string): Promise<void> {
  if (process.platform === 'win32') return;
  const { mode } = await stat(keyPath);
  if ((mode & 0o077) !== 0) await chmod(keyPath, 0o600);
}

function errnoOf(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? 'unknown error';
}
