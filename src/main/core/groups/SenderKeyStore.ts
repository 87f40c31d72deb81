// Sender keys in the vault. Our own, per group: the sending state (one small record, rewritten by every group send)
// and, apart from it, the member devices it has been distributed to (rewritten only when distributing). Theirs:
// one record per (sender device, distribution id) naming the group it belongs to, so a group message touches one.
import { z } from 'zod';
import { toHex } from '../../../shared/crypto/bytes';
import { isCryptoError } from '../../../shared/crypto/errors';
import {
  deserializeSenderKeyState,
  serializeSenderKeyState,
  type SenderKeyState,
} from '../../../shared/crypto/sender-key';
import {
  deserializeSenderKeyRecord,
  serializeSenderKeyRecord,
  type SenderKeyRecord,
} from '../../../shared/crypto/sender-key-record';
import { fromBase64, toBase64 } from '../../../shared/encoding/base64';
import { GroupId } from '../../../shared/ipc';
import { addressKey, type Address } from '../../../shared/protocol';
import type { Logger } from '../transport';
import { VaultError, isVaultError, jsonRecord, type Vault } from '../vault';

export interface OwnSenderKey {
  readonly state: SenderKeyState;
  /** The group's key epoch when this key was made: a later removal requires a new key. */
  readonly epoch: number;
}

export interface ReceivedSenderKey {
  readonly groupId: string;
  readonly record: SenderKeyRecord;
}

const Bytes = z.string().max(2 * 1024 * 1024);
const ownCodec = jsonRecord(z.strictObject({ state: Bytes, epoch: z.number().int().nonnegative() }), 'own sender key');
const distributionCodec = jsonRecord(z.strictObject({ chainId: z.number().int(), devices: z.array(z.string().max(80)).max(100_000) }), 'sender key distribution');
const receivedCodec = jsonRecord(z.strictObject({ groupId: GroupId, record: Bytes }), 'sender key');

const ownName = (groupId: string) => `senderkey-own:${groupId}`;
const distributionName = (groupId: string) => `senderkey-dist:${groupId}`;
const receivedName = (from: Address, distributionId: Uint8Array) => `senderkey-in:${addressKey(from)}:${toHex(distributionId)}`;

function crypto<T>(what: string, decode: () => T): T {
  try {
    return decode();
  } catch (cause) {
    if (isCryptoError(cause)) throw new VaultError('vault_record_corrupt', `A stored ${what} is not valid.`, { cause });
    throw cause;
  }
}

export class SenderKeyStore {
  private readonly own = new Map<string, OwnSenderKey | null>();
  private readonly distributed = new Map<string, { chainId: number; devices: Set<string> }>();
  private readonly received = new Map<string, ReceivedSenderKey | null>();

  constructor(
    private readonly vault: Vault,
    private readonly logger: Logger,
  ) {}

  /** A record that does not open counts as absent (a fresh key replaces it); anything else is a real failure. */
  private async read<T>(name: string, decode: (bytes: Uint8Array) => T): Promise<T | undefined> {
    try {
      const bytes = await this.vault.get('records', name);
      return bytes ? decode(bytes) : undefined;
    } catch (error) {
      if (!isVaultError(error, 'vault_record_corrupt') && !isVaultError(error, 'vault_record_tampered')) throw error;
      this.logger.error('sender_key.record_unreadable', { code: error.code });
      return undefined;
    }
  }

  async loadOwn(groupId: string): Promise<OwnSenderKey | undefined> {
    if (!this.own.has(groupId)) {
      const own = await this.read(ownName(groupId), (bytes) => {
        const file = ownCodec.decode(bytes);
        return { state: crypto('sender key', () => deserializeSenderKeyState(fromBase64(file.state))), epoch: file.epoch };
      });
      this.own.set(groupId, own ?? null);
    }
    return this.own.get(groupId) ?? undefined;
  }

  /** Current for the next caller at once; resolves when durable (before the ciphertext it made may leave). */
  saveOwn(groupId: string, key: OwnSenderKey): Promise<void> {
    this.own.set(groupId, key);
    return this.vault.put('records', ownName(groupId), ownCodec.encode({ state: toBase64(serializeSenderKeyState(key.state)), epoch: key.epoch })).catch((error: unknown) => {
      if (this.own.get(groupId) === key) this.own.delete(groupId);
      throw error;
    });
  }

  async deleteOwn(groupId: string): Promise<void> {
    this.own.set(groupId, null);
    this.distributed.delete(groupId);
    await Promise.all([this.vault.delete('records', ownName(groupId)), this.vault.delete('records', distributionName(groupId))]);
  }

  /** Devices (address keys) the chain `chainId` has been given to; empty after a rotation. */
  async distributedTo(groupId: string, chainId: number): Promise<Set<string>> {
    let entry = this.distributed.get(groupId);
    if (!entry) {
      const file = (await this.read(distributionName(groupId), (bytes) => distributionCodec.decode(bytes))) ?? { chainId, devices: [] };
      entry = { chainId: file.chainId, devices: new Set(file.devices) };
      this.distributed.set(groupId, entry);
    }
    return entry.chainId === chainId ? entry.devices : new Set();
  }

  async saveDistributedTo(groupId: string, chainId: number, devices: Set<string>): Promise<void> {
    this.distributed.set(groupId, { chainId, devices });
    await this.vault.put('records', distributionName(groupId), distributionCodec.encode({ chainId, devices: [...devices] }));
  }

  /** Devices (address keys) to be given the group's current sender key again: a re-keyed device lost it. */
  async forgetDistributedTo(groupId: string, devices: readonly string[]): Promise<void> {
    const own = await this.loadOwn(groupId);
    if (!own) return;
    const given = await this.distributedTo(groupId, own.state.chainId);
    if (!devices.some((device) => given.has(device))) return;
    const left = new Set(given);
    for (const device of devices) left.delete(device);
    await this.saveDistributedTo(groupId, own.state.chainId, left);
  }

  async loadReceived(from: Address, distributionId: Uint8Array): Promise<ReceivedSenderKey | undefined> {
    const name = receivedName(from, distributionId);
    if (!this.received.has(name)) {
      const key = await this.read(name, (bytes) => {
        const file = receivedCodec.decode(bytes);
        return { groupId: file.groupId, record: crypto('sender key', () => deserializeSenderKeyRecord(fromBase64(file.record))) };
      });
      this.received.set(name, key ?? null);
    }
    return this.received.get(name) ?? undefined;
  }

  saveReceived(from: Address, key: ReceivedSenderKey): Promise<void> {
    const name = receivedName(from, key.record.distributionId);
    this.received.set(name, key);
    return this.vault
      .put('records', name, receivedCodec.encode({ groupId: key.groupId, record: toBase64(serializeSenderKeyRecord(key.record)) }))
      .catch((error: unknown) => {
        if (this.received.get(name) === key) this.received.delete(name);
        throw error;
      });
  }
}
