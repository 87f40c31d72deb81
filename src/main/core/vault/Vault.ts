// The encrypted vault: every piece of messaging state (sessions, sender keys, prekeys, contacts, groups, the
// inbox) as small records, each in its own file, sealed with a key derived from the master key. File names are
// keyed hashes of record names, so the folder reveals how many records exist, not whose they are. Writes are
// atomic (temp file, fsync, rename, folder fsync) and ordered per record; reads see the newest write at once.
// It never logs record names or contents.
import { statSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import type { CryptoProvider } from '../../../shared/crypto/provider';
import { isTempFileOf, writeFileAtomic, type AtomicFileSystem } from '../account/atomicFile';
import { nodeCryptoProvider } from '../crypto/node-provider';
import type { SecretStore } from '../secrets';
import { CoalescingWriter, type PendingOp } from './CoalescingWriter';
import { loadOrCreateMasterKey } from './MasterKey';
import { deriveRecordKeys, openRecord, recordFileId, sealRecord, type RecordKeys } from './recordCipher';
import { VaultError, errnoOf } from './VaultError';

/** `records` are read by name; `inbox` can also be listed (what is pending after a restart). */
export type VaultSpace = 'records' | 'inbox';
const SPACES: readonly VaultSpace[] = ['records', 'inbox'];
export const VAULT_DIR = 'vault';
/** Larger than any record Parley writes; a bigger file is not read into memory. */
const MAX_RECORD_BYTES = 8 * 1024 * 1024;
const CHECK_RECORD = '\u0000vault-check';
const CHECK_PAYLOAD = new TextEncoder().encode('parley vault v1');

export interface VaultOptions {
  /** The data folder; the vault lives in its `vault/` sub-folder. */
  dataDir: string;
  secrets: SecretStore;
  provider?: CryptoProvider;
  /** File operations used by writes, injectable so tests can fail any step (a crash before the rename). */
  fs?: AtomicFileSystem;
}

export interface ListedRecord {
  name: string;
  payload: Uint8Array;
}

export interface VaultListing {
  records: ListedRecord[];
  /** Files that did not open (tampered, corrupt): reported, never fatal for the rest. */
  failures: { file: string; error: VaultError }[];
}

interface Target {
  space: VaultSpace;
  name: string;
  fileId: string;
}

export class Vault {
  private readonly writer: CoalescingWriter<{ target: Target; payload: Uint8Array }>;

  private constructor(
    readonly dir: string,
    private readonly keys: RecordKeys,
    private readonly provider: CryptoProvider,
    private readonly fs: AtomicFileSystem | undefined,
  ) {
    this.writer = new CoalescingWriter((key, op) => this.perform(key, op));
  }

  /** Opens (or creates) the vault of a data folder. Throws VaultError: vault_locked, vault_key_mismatch, vault_io. */
  static async open(options: VaultOptions): Promise<Vault> {
    const provider = options.provider ?? nodeCryptoProvider;
    const dir = join(options.dataDir, VAULT_DIR);
    try {
      for (const space of SPACES) await fsp.mkdir(join(dir, space), { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new VaultError('vault_io', `Parley cannot create its vault folder (${errnoOf(error)}).`, { cause: error });
    }
    const master = await loadOrCreateMasterKey(dir, options.secrets, provider, options.fs);
    const vault = new Vault(dir, deriveRecordKeys(provider, master.key), provider, options.fs);
    await vault.removeTempFiles();
    await vault.checkKey();
    return vault;
  }

  async get(space: VaultSpace, name: string): Promise<Uint8Array | undefined> {
    const target = this.target(space, name);
    const pending = this.writer.pending(this.writeKey(target));
    if (pending) return pending.kind === 'put' ? pending.value.payload : undefined;
    let sealed: Uint8Array;
    try {
      // A record that is not there is a common answer (main is asked about the files of every purged message, and
      // most have none): a stat says so without the open that fails, whose error costs ~60 µs of CPU against ~6.
      if (!statSync(join(this.dir, space, target.fileId), { throwIfNoEntry: false })) return undefined;
      sealed = await this.readFile(space, target.fileId);
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return undefined;
      if (error instanceof VaultError) throw error;
      throw new VaultError('vault_io', `Parley cannot read its vault (${errnoOf(error)}).`, { cause: error });
    }
    const opened = openRecord(this.provider, this.keys, target, sealed);
    if (opened.name !== name) throw new VaultError('vault_record_tampered', 'A vault record holds another record’s content.');
    return opened.payload;
  }

  /** Resolves once this content (or a newer one for the same record) is durable. */
  put(space: VaultSpace, name: string, payload: Uint8Array): Promise<void> {
    const target = this.target(space, name);
    return this.writer.submit(this.writeKey(target), { kind: 'put', value: { target, payload } });
  }

  delete(space: VaultSpace, name: string): Promise<void> {
    const target = this.target(space, name);
    return this.writer.submit(this.writeKey(target), { kind: 'delete' });
  }

  /** Every record of a space, with the ones that did not open reported apart. Sees writes still in progress. */
  async list(space: VaultSpace): Promise<VaultListing> {
    let files: string[];
    try {
      files = await fsp.readdir(join(this.dir, space));
    } catch (error) {
      throw new VaultError('vault_io', `Parley cannot read its vault (${errnoOf(error)}).`, { cause: error });
    }
    const byFile = new Map<string, ListedRecord>();
    const failures: VaultListing['failures'] = [];
    for (const file of files) {
      if (!/^[0-9a-f]{32}$/.test(file)) continue;
      try {
        const opened = openRecord(this.provider, this.keys, { space, fileId: file }, await this.readFile(space, file));
        if (recordFileId(this.provider, this.keys, space, opened.name) !== file) {
          throw new VaultError('vault_record_tampered', 'A vault record holds another record’s content.');
        }
        byFile.set(file, opened);
      } catch (error) {
        if (errnoOf(error) === 'ENOENT') continue;
        failures.push({ file, error: error instanceof VaultError ? error : new VaultError('vault_io', 'A vault record cannot be read.', { cause: error }) });
      }
    }
    for (const key of [...this.writer.pendingKeys()]) {
      const [keySpace, file] = key.split('/') as [string, string];
      if (keySpace !== space) continue;
      const op = this.writer.pending(key);
      if (op?.kind === 'put') byFile.set(file, { name: op.value.target.name, payload: op.value.payload });
      else byFile.delete(file);
    }
    return { records: [...byFile.values()], failures };
  }

  /** Deletes a file that did not open (after list() reported it), so it is not reported again. */
  async discard(space: VaultSpace, file: string): Promise<void> {
    if (!/^[0-9a-f]{32}$/.test(file)) throw new RangeError('not a vault file name');
    await fsp.unlink(join(this.dir, space, file)).catch(() => undefined);
  }

  /** Waits for every write in progress (shutdown). */
  close(): Promise<void> {
    return this.writer.idle();
  }

  private target(space: VaultSpace, name: string): Target {
    return { space, name, fileId: recordFileId(this.provider, this.keys, space, name) };
  }

  private writeKey(target: Target): string {
    return `${target.space}/${target.fileId}`;
  }

  private async perform(key: string, op: PendingOp<{ target: Target; payload: Uint8Array }>): Promise<void> {
    const [space, file] = key.split('/') as [VaultSpace, string];
    const path = join(this.dir, space, file);
    try {
      if (op.kind === 'delete') {
        // Not forced to disk: a delete lost to a power cut brings back an entry that was already dealt with (a
        // committed inbox entry is offered again and the renderer's dedup drops it), never a wrong state.
        await fsp.unlink(path).catch((error: unknown) => {
          if (errnoOf(error) !== 'ENOENT') throw error;
        });
        return;
      }
      const sealed = sealRecord(this.provider, this.keys, op.value.target, op.value.payload);
      await writeFileAtomic(path, sealed, { mode: 0o600, fs: this.fs });
    } catch (error) {
      throw new VaultError('vault_io', `Parley could not save its vault (${errnoOf(error)}). Check free space and permissions.`, {
        cause: error,
      });
    }
  }

  private async readFile(space: VaultSpace, file: string): Promise<Uint8Array> {
    const path = join(this.dir, space, file);
    const handle = await fsp.open(path, 'r');
    try {
      const { size } = await handle.stat();
      if (size > MAX_RECORD_BYTES) throw new VaultError('vault_record_corrupt', 'A vault record is far larger than any Parley writes.');
      return new Uint8Array(await handle.readFile());
    } finally {
      await handle.close();
    }
  }

  /** A crash between write and rename leaves `<file>.<random>.tmp`; it was never the record, so it goes. */
  private async removeTempFiles(): Promise<void> {
    for (const space of SPACES) {
      const folder = join(this.dir, space);
      for (const file of await fsp.readdir(folder).catch(() => [] as string[])) {
        if (/^[0-9a-f]{32}\./.test(file) && isTempFileOf(join(folder, file.slice(0, 32)), file)) {
          await fsp.unlink(join(folder, file)).catch(() => undefined);
        }
      }
    }
  }

  /** A known record written with the master key: if it does not open, the key is not this vault's. */
  private async checkKey(): Promise<void> {
    let payload: Uint8Array | undefined;
    try {
      payload = await this.get('records', CHECK_RECORD);
    } catch (error) {
      if (error instanceof VaultError && error.code === 'vault_record_tampered') {
        throw new VaultError('vault_key_mismatch', 'The vault was written with another key; it cannot be opened with this one.', { cause: error });
      }
      throw error;
    }
    if (payload) return;
    const existing = await fsp.readdir(join(this.dir, 'records')).catch(() => [] as string[]);
    if (existing.some((file) => /^[0-9a-f]{32}$/.test(file))) {
      throw new VaultError('vault_key_mismatch', 'The vault holds records but not the one its key would open; its key was replaced.');
    }
    await this.put('records', CHECK_RECORD, CHECK_PAYLOAD);
  }
}
