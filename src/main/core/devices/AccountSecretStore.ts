// The account secret: 32 random bytes the account's devices share (the primary makes it when it first links a
// device and gives it to each device it links). It seals device names for the relay. Kept in the vault.
import type { CryptoProvider } from '../../../shared/crypto/provider';
import { KeyedQueue } from '../../../shared/base';
import type { Vault } from '../vault';

const RECORD = 'account-secret';

export class AccountSecretStore {
  private readonly lock = new KeyedQueue();

  constructor(
    private readonly vault: Vault,
    private readonly provider: CryptoProvider,
  ) {}

  /** The secret, made and stored on first use. */
  get(): Promise<Uint8Array> {
    return this.lock.run(RECORD, async () => {
      const stored = await this.vault.get('records', RECORD);
      if (stored && stored.length === 32) return stored;
      const secret = this.provider.randomBytes(32);
      await this.vault.put('records', RECORD, secret);
      return secret;
    });
  }

  /** Keeps the secret a primary gave this device when linking it. */
  set(secret: Uint8Array): Promise<void> {
    if (secret.length !== 32) return Promise.reject(new RangeError('the account secret is 32 bytes'));
    return this.lock.run(RECORD, () => this.vault.put('records', RECORD, secret));
  }
}
