// The key of the renderer's history at rest (docs/security.md §10): 256 random bits made on first use and kept as
// a vault record, so it is exactly as readable as the vault, whose master key only the SecretStore (the OS
// keychain in the desktop app) unprotects. Main hands it to the renderer at unlock (IPC `history.key`); the
// renderer imports it as a non-extractable WebCrypto key and never stores it.
import type { CryptoProvider } from '../../../shared/crypto/provider';
import type { Vault } from '../vault';

export const HISTORY_KEY_BYTES = 32;
const RECORD = '\u0000history-key';

/** The history key of this vault; the first call makes and stores it (concurrent first calls share one). */
export class HistoryKey {
  private loading: Promise<Uint8Array> | null = null;

  constructor(
    private readonly vault: Vault,
    private readonly provider: CryptoProvider,
  ) {}

  get(): Promise<Uint8Array> {
    this.loading ??= this.loadOrCreate().catch((error: unknown) => {
      this.loading = null;
      throw error;
    });
    return this.loading.then((key) => key.slice());
  }

  private async loadOrCreate(): Promise<Uint8Array> {
    const stored = await this.vault.get('records', RECORD);
    if (stored?.length === HISTORY_KEY_BYTES) return stored;
    // A record of another length was not written by Parley: replacing it loses nothing readable.
    const key = this.provider.randomBytes(HISTORY_KEY_BYTES);
    await this.vault.put('records', RECORD, key);
    return key;
  }
}
