// Pairwise sessions per remote device, in the vault: the active session first, then a few earlier ones kept so a
// message still in flight on one of them decrypts (simultaneous first contact, a peer that restarted a session),
// and the base keys of sessions dropped since, so a replayed first message cannot start a session again (the X3DH
// spec's replay caveat for prekey messages without a one-time prekey). One record per device: a send or a receive
// touches one record whatever the history.
import { bytesEqual } from '../../../shared/base';
import { ByteReader, ByteWriter } from '../../../shared/crypto/bytes';
import { isCryptoError } from '../../../shared/crypto/errors';
import { X25519_KEY_BYTES } from '../../../shared/crypto/provider';
import { deserializeSessionState, serializeSessionState, type SessionState } from '../../../shared/crypto/session';
import { addressKey, type Address } from '../../../shared/protocol';
import type { Logger } from '../transport';
import { VaultError, isVaultError, type Vault } from '../vault';

/** Sessions kept per device: the active one and up to this many minus one earlier ones. */
export const MAX_SESSIONS_PER_DEVICE = 5;
/** Base keys of dropped sessions remembered per device (newest first). */
export const MAX_RETIRED_BASE_KEYS = 128;
const FORMAT = 0x01;
const MAX_SESSION_BYTES = 4 * 1024 * 1024;

export interface DeviceSessions {
  /** Active first. */
  readonly sessions: readonly SessionState[];
  /** X3DH base keys of sessions no longer kept: a prekey message naming one is a replay. */
  readonly retiredBaseKeys: readonly Uint8Array[];
}

const EMPTY: DeviceSessions = { sessions: [], retiredBaseKeys: [] };

export function encodeDeviceSessions(record: DeviceSessions): Uint8Array {
  const writer = new ByteWriter().u8(FORMAT).u32(record.sessions.length);
  for (const session of record.sessions) writer.varBytes(serializeSessionState(session));
  writer.u32(record.retiredBaseKeys.length);
  for (const key of record.retiredBaseKeys) writer.bytes(key);
  return writer.finish();
}

export function decodeDeviceSessions(bytes: Uint8Array): DeviceSessions {
  try {
    const reader = new ByteReader(bytes, 'bad_state', 'session record');
    reader.expectVersion(FORMAT);
    const sessions: SessionState[] = [];
    for (let i = reader.count(MAX_SESSIONS_PER_DEVICE); i > 0; i--) sessions.push(deserializeSessionState(reader.varBytes(MAX_SESSION_BYTES)));
    const retiredBaseKeys: Uint8Array[] = [];
    for (let i = reader.count(MAX_RETIRED_BASE_KEYS); i > 0; i--) retiredBaseKeys.push(reader.bytes(X25519_KEY_BYTES));
    reader.end();
    return { sessions, retiredBaseKeys };
  } catch (cause) {
    if (isCryptoError(cause)) throw new VaultError('vault_record_corrupt', 'A stored session is not valid.', { cause });
    throw cause;
  }
}

/** The record after replacing its sessions: whatever falls out (evicted, or reset) has its base key retired. */
export function withSessions(record: DeviceSessions, sessions: readonly SessionState[]): DeviceSessions {
  const kept = sessions.slice(0, MAX_SESSIONS_PER_DEVICE);
  const retired: Uint8Array[] = [];
  for (const gone of [...record.sessions, ...sessions.slice(MAX_SESSIONS_PER_DEVICE)]) {
    const key = gone.baseKey;
    if (!kept.some((s) => bytesEqual(s.baseKey, key)) && !retired.some((r) => bytesEqual(r, key))) retired.push(key);
  }
  if (retired.length === 0) return { sessions: kept, retiredBaseKeys: record.retiredBaseKeys };
  return { sessions: kept, retiredBaseKeys: [...retired, ...record.retiredBaseKeys].slice(0, MAX_RETIRED_BASE_KEYS) };
}

export function isRetiredBaseKey(record: DeviceSessions, baseKey: Uint8Array): boolean {
  return record.retiredBaseKeys.some((key) => bytesEqual(key, baseKey));
}

const recordName = (address: Address) => `session:${addressKey(address)}`;

export class SessionStore {
  private readonly cache = new Map<string, DeviceSessions>();

  constructor(
    private readonly vault: Vault,
    private readonly logger: Logger,
  ) {}

  /**
   * The device's sessions. A record that does not open (tampered, corrupt) counts as none: the next session with
   * the device replaces it, and its messages fail as undecryptable meanwhile.
   */
  async load(address: Address): Promise<DeviceSessions> {
    const key = addressKey(address);
    const cached = this.cache.get(key);
    if (cached) return cached;
    let record: DeviceSessions;
    try {
      const bytes = await this.vault.get('records', recordName(address));
      record = bytes ? decodeDeviceSessions(bytes) : EMPTY;
    } catch (error) {
      if (!isVaultError(error, 'vault_record_corrupt') && !isVaultError(error, 'vault_record_tampered')) throw error;
      this.logger.error('session.record_unreadable', { code: error.code, device: address.device });
      record = EMPTY;
    }
    this.cache.set(key, record);
    return record;
  }

  /**
   * Makes `record` current at once (for the next caller) and resolves when it is durable. If the write fails, the
   * cache is dropped so the next load reads what is really on disk.
   */
  save(address: Address, record: DeviceSessions): Promise<void> {
    const key = addressKey(address);
    this.cache.set(key, record);
    return this.vault.put('records', recordName(address), encodeDeviceSessions(record)).catch((error: unknown) => {
      if (this.cache.get(key) === record) this.cache.delete(key);
      throw error;
    });
  }
}
