// The device's account on disk: username, device id, relay address and identity key pair, in one JSON file in the
// data folder. The private key is stored only as the SecretStore protected it. Writes are atomic; every way a file
// can be wrong (missing, damaged, edited, from a newer app, another key) comes back as a typed AccountStoreError.
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { DeviceId, Ed25519PublicKey, Username, base64Bytes } from '../../../shared/protocol';
import { MAX_RELAY_URLS } from '../../../shared/ipc';
import { fromBase64, toBase64 } from '../../../shared/encoding/base64';
import type { SecretStore } from '../secrets/SecretStore';
import { relayWebSocketUrl } from '../transport/relayUrl';
import { AccountStoreError } from './errors';
import { identityFromPrivateKey, sameBytes, type IdentityKeyPair } from './identity';
import { writeFileAtomic, type AtomicFileSystem } from './atomicFile';

export const ACCOUNT_FILE = 'account.json';
const FORMAT = 'parley-account';
const FORMAT_VERSION = 1;
/** Far above any real account file; anything bigger is not one and is not read into memory. */
const MAX_FILE_BYTES = 64 * 1024;

export interface Account {
  username: string;
  device: number;
  /** The relay address as the user gave it (validated): where the account was made, the first one tried. */
  relayUrl: string;
  /** Further relays of the same service, tried in this order after relayUrl when one stops answering. */
  fallbackRelayUrls?: readonly string[];
  identity: IdentityKeyPair;
  /**
   * A linked device's account key: its primary's identity key, which certified this device (docs/security.md §18).
   * Absent on the primary, whose own identity key is the account key.
   */
  accountKey?: Uint8Array;
  /** Epoch ms of registration. */
  createdAt: number;
}

const AccountFile = z.strictObject({
  format: z.literal(FORMAT),
  version: z.literal(FORMAT_VERSION),
  username: Username,
  device: DeviceId,
  relayUrl: z.string().min(1).max(2048),
  /** Absent when the account has one relay (so such a file reads as before). */
  fallbackRelayUrls: z.array(z.string().min(1).max(2048)).min(1).max(MAX_RELAY_URLS - 1).optional(),
  identityPublicKey: Ed25519PublicKey,
  /** The SecretStore's output for the 32-byte private key. */
  protectedPrivateKey: base64Bytes({ maxBytes: 4096 }),
  /** Only on a linked device: the primary's identity key. */
  accountKey: Ed25519PublicKey.optional(),
  createdAt: z.number().int().nonnegative(),
});
type AccountFile = z.infer<typeof AccountFile>;

export class AccountStore {
  readonly path: string;

  constructor(
    private readonly dataDir: string,
    private readonly secrets: SecretStore,
    private readonly options: { fs?: AtomicFileSystem } = {},
  ) {
    this.path = join(dataDir, ACCOUNT_FILE);
  }

  async exists(): Promise<boolean> {
    try {
      await stat(this.path);
      return true;
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return false;
      throw new AccountStoreError('account_unreadable', `Parley cannot read its data folder (${errnoOf(error)}).`, { cause: error });
    }
  }

  async save(account: Account): Promise<void> {
    checkAccount(account);
    let sealed: Uint8Array;
    try {
      sealed = await this.secrets.protect(account.identity.privateKey);
    } catch (error) {
      throw new AccountStoreError('account_key_locked', 'The private key could not be protected for storage; the keychain may be locked.', { cause: error });
    }
    const file: AccountFile = {
      format: FORMAT,
      version: FORMAT_VERSION,
      username: account.username,
      device: account.device,
      relayUrl: account.relayUrl,
      ...(account.fallbackRelayUrls?.length ? { fallbackRelayUrls: [...account.fallbackRelayUrls] } : {}),
      identityPublicKey: toBase64(account.identity.publicKey),
      protectedPrivateKey: toBase64(sealed),
      ...(account.accountKey === undefined ? {} : { accountKey: toBase64(account.accountKey) }),
      createdAt: account.createdAt,
    };
    try {
      await mkdir(this.dataDir, { recursive: true, mode: 0o700 });
      await writeFileAtomic(this.path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, fs: this.options.fs });
    } catch (error) {
      throw new AccountStoreError('account_write_failed', `Parley could not save the account (${errnoOf(error)}). Check free space and permissions.`, {
        cause: error,
      });
    }
  }

  async load(): Promise<Account> {
    const file = await this.readFile();
    let sealed: Uint8Array;
    try {
      sealed = fromBase64(file.protectedPrivateKey);
    } catch (error) {
      throw corrupt(error);
    }
    let privateKey: Uint8Array;
    try {
      privateKey = await this.secrets.unprotect(sealed);
    } catch (error) {
      throw new AccountStoreError(
        'account_key_locked',
        'The account’s private key cannot be opened: it was altered, or it was protected by another keychain or key file.',
        { cause: error },
      );
    }
    let identity: IdentityKeyPair;
    try {
      identity = identityFromPrivateKey(privateKey);
    } catch (error) {
      throw new AccountStoreError('account_key_mismatch', 'The stored private key is not a valid identity key.', { cause: error });
    }
    if (!sameBytes(identity.publicKey, fromBase64(file.identityPublicKey))) {
      throw new AccountStoreError('account_key_mismatch', 'The stored private key does not belong to this account’s public key.');
    }
    return {
      username: file.username,
      device: file.device,
      relayUrl: file.relayUrl,
      ...(file.fallbackRelayUrls === undefined ? {} : { fallbackRelayUrls: file.fallbackRelayUrls }),
      identity,
      ...(file.accountKey === undefined ? {} : { accountKey: fromBase64(file.accountKey) }),
      createdAt: file.createdAt,
    };
  }

  /** Deletes the account file (sign out / reset). */
  async remove(): Promise<void> {
    await rm(this.path, { force: true });
  }

  private async readFile(): Promise<AccountFile> {
    let text: string;
    try {
      const info = await stat(this.path);
      if (!info.isFile() || info.size > MAX_FILE_BYTES) throw corrupt(new Error(`not an account file (${info.size} bytes)`));
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if (error instanceof AccountStoreError) throw error;
      if (errnoOf(error) === 'ENOENT') throw new AccountStoreError('account_not_found', 'No account has been set up on this computer yet.');
      throw new AccountStoreError('account_unreadable', `Parley cannot read its account file (${errnoOf(error)}).`, { cause: error });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw corrupt(error);
    }
    const version = (json as { version?: unknown } | null)?.version;
    if (typeof version === 'number' && version > FORMAT_VERSION) {
      throw new AccountStoreError('account_version_unsupported', 'The account was saved by a newer version of Parley. Update Parley to open it.');
    }
    const parsed = AccountFile.safeParse(json);
    if (!parsed.success) throw corrupt(parsed.error);
    try {
      relayUrlsOf(parsed.data).forEach((url) => relayWebSocketUrl(url));
    } catch (error) {
      throw corrupt(error);
    }
    return parsed.data;
  }
}

/** Every relay of the account, in the order the transport tries them. */
export function relayUrlsOf(account: Pick<Account, 'relayUrl' | 'fallbackRelayUrls'>): string[] {
  return [account.relayUrl, ...(account.fallbackRelayUrls ?? [])];
}

/** The account's relays as a list (the first is where it was made), `urls` being a non-empty list. */
export function withRelayUrls(account: Account, urls: readonly string[]): Account {
  const [first, ...rest] = urls;
  if (first === undefined) throw new TypeError('an account needs a relay URL');
  const { fallbackRelayUrls: _replaced, ...others } = account;
  return { ...others, relayUrl: first, ...(rest.length > 0 ? { fallbackRelayUrls: rest } : {}) };
}

function checkAccount(account: Account): void {
  const problems = [
    !Username.safeParse(account.username).success && 'username',
    !DeviceId.safeParse(account.device).success && 'device',
    !(Number.isInteger(account.createdAt) && account.createdAt >= 0) && 'createdAt',
  ].filter(Boolean);
  try {
    relayUrlsOf(account).forEach((url) => relayWebSocketUrl(url));
  } catch {
    problems.push('relayUrl');
  }
  if ((account.fallbackRelayUrls?.length ?? 0) >= MAX_RELAY_URLS) problems.push('fallbackRelayUrls');
  try {
    if (!sameBytes(identityFromPrivateKey(account.identity.privateKey).publicKey, account.identity.publicKey)) problems.push('identity');
  } catch {
    problems.push('identity');
  }
  if (problems.length > 0) throw new TypeError(`invalid account: ${problems.join(', ')}`);
}

function corrupt(cause: unknown): AccountStoreError {
  return new AccountStoreError(
    'account_corrupt',
    'The account file is damaged and cannot be read. Restore it from a backup or set up the account again.',
    { cause },
  );
}

function errnoOf(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? 'unknown error';
}
