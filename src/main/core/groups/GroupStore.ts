// Groups this device belongs or belonged to, in the vault: one record per group plus an index of group ids, all
// loaded once at start. Changes to one group never interleave.
import { z } from 'zod';
import { GroupId } from '../../../shared/ipc';
import { KeyedQueue } from '../../../shared/base';
import type { Logger } from '../transport';
import { isVaultError, jsonRecord, type Vault } from '../vault';
import { GroupRecord, toRecord, type GroupState } from './group';

const groupCodec = jsonRecord(GroupRecord, 'group');
const indexCodec = jsonRecord(z.array(GroupId), 'group index');
const INDEX = 'groups';
const recordName = (groupId: string) => `group:${groupId}`;

export class GroupStore {
  private readonly groups = new Map<string, GroupState>();
  private readonly lock = new KeyedQueue();
  private readonly indexWrites = new KeyedQueue();

  private constructor(private readonly vault: Vault) {}

  /** Loads every group; one whose record does not open is left out (logged), the rest still load. */
  static async open(vault: Vault, logger: Logger): Promise<GroupStore> {
    const store = new GroupStore(vault);
    const index = await vault.get('records', INDEX);
    for (const groupId of index ? indexCodec.decode(index) : []) {
      try {
        const bytes = await vault.get('records', recordName(groupId));
        if (bytes) store.groups.set(groupId, groupCodec.decode(bytes));
      } catch (error) {
        if (!isVaultError(error)) throw error;
        logger.error('group.record_unreadable', { code: error.code });
      }
    }
    return store;
  }

  get(groupId: string): GroupState | undefined {
    return this.groups.get(groupId);
  }

  all(): GroupState[] {
    return [...this.groups.values()];
  }

  /** Runs `task` with exclusive access to one group (read, decide, store). */
  exclusive<T>(groupId: string, task: () => Promise<T>): Promise<T> {
    return this.lock.run(groupId, task);
  }

  /** Stores a group's new state; call inside exclusive(). */
  async save(state: GroupState): Promise<void> {
    const isNew = !this.groups.has(state.groupId);
    await this.vault.put('records', recordName(state.groupId), groupCodec.encode(toRecord(state)));
    this.groups.set(state.groupId, state);
    if (isNew) await this.writeIndex();
  }

  private writeIndex(): Promise<void> {
    return this.indexWrites.run(INDEX, () => this.vault.put('records', INDEX, indexCodec.encode([...this.groups.keys()])));
  }
}
