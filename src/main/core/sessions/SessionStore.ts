// Pairwise sessions per remote device, in the vault: the active session first, then a few earlier ones kept so a
// message still in flight on one of them decrypts (simultaneous first contact, a peer that restarted a session).
// One record per device, so a send or a receive touches one record whatever the history.
import { ByteReader, ByteWriter } from '../../../shared/crypto/bytes';
import { isCryptoError } from '../../../shared/crypto/errors';
import { deserializeSessionState, serializeSessionState, type SessionState } from '../../../shared/crypto/session';
import { addressKey, type Address } from '../../../shared/protocol';
import type { Logger } from '../transport';
import { VaultError, isVaultError, type Vault } from '../vault';

/** Sessions kept per device: the active one and up to this many minus one earlier ones. */
export const MAX_SESSIONS_PER_DEVICE = 5;
const FORMAT = 0x01;
const MAX_SESSION_BYTES = 4 * 1024 * 1024;

export function encodeSessions(sessions: readonly SessionState[]): Uint8Array {
  const writer = new ByteWriter().u8(FORMAT).u32(sessions.length);
  for (const session of sessions) writer.varBytes(serializeSessionState(session));
  return writer.finish();
}

export function decodeSessions(bytes: Uint8Array): SessionState[] {
  try {
    const reader = new ByteReader(bytes, 'bad_state', 'session record');
    reader.expectVersion(FORMAT);
    const sessions: SessionState[] = [];
    for (let i = reader.count(MAX_SESSIONS_PER_DEVICE); i > 0; i--) sessions.push(deserializeSessionState(reader.varBytes(MAX_SESSION_BYTES)));
    reader.end();
    return sessions;
  } catch (cause) {
    if (isCryptoError(cause)) throw new VaultError('vault_record_corrupt', 'A stored session is not valid.', { cause });
    throw cause;
  }
}

const recordName = (address: Address) => `session:${addressKey(address)}`;

export class SessionStore {
  private readonly cache = new Map<string, SessionState[]>();

  constructor(
    private readonly vault: Vault,
    private readonly logger: Logger,
  ) {}

  /**
   * The device's sessions, active first; empty when there is none. A record that does not open (tampered, corrupt)
   * counts as none: the next session with the device replaces it, and its messages fail as undecryptable meanwhile.
   */
  async load(address: Address): Promise<SessionState[]> {
    const key = addressKey(address);
    const cached = this.cache.get(key);
    if (cached) return cached;
    let sessions: SessionState[];
    try {
      const bytes = await this.vault.get('records', recordName(address));
      sessions = bytes ? decodeSessions(bytes) : [];
    } catch (error) {
      if (!isVaultError(error, 'vault_record_corrupt') && !isVaultError(error, 'vault_record_tampered')) throw error;
      this.logger.error('session.record_unreadable', { code: error.code, device: address.device });
      sessions = [];
    }
    this.cache.set(key, sessions);
    return sessions;
  }

  /**
   * Makes `sessions` current at once (for the next caller) and resolves when it is durable. If the write fails,
   * the cache is dropped so the next load reads what is really on disk.
   */
  save(address: Address, sessions: readonly SessionState[]): Promise<void> {
    const key = addressKey(address);
    const kept = sessions.slice(0, MAX_SESSIONS_PER_DEVICE);
    this.cache.set(key, kept);
    const write = kept.length > 0 ? this.vault.put('records', recordName(address), encodeSessions(kept)) : this.vault.delete('records', recordName(address));
    return write.catch((error: unknown) => {
      if (this.cache.get(key) === kept) this.cache.delete(key);
      throw error;
    });
  }

  /** Forgets every session with the device (its identity key changed). */
  remove(address: Address): Promise<void> {
    return this.save(address, []);
  }
}
