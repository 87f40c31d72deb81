// A bounded list kept as one vault record: read once, then changed one edit at a time (each edit sees the list as
// the previous one left it) and written whole. For small lists of pending work (group notices, invites, join
// requests); anything that grows with history belongs in its own records.
import { z } from 'zod';
import { KeyedQueue } from '../../../shared/base';
import { jsonRecord, type RecordCodec } from './jsonRecord';
import type { Vault } from './Vault';

export class ListRecord<T> {
  private list: T[] | undefined;
  private readonly writes = new KeyedQueue();
  private readonly codec: RecordCodec<T[]>;

  constructor(
    private readonly vault: Vault,
    private readonly name: string,
    item: z.ZodType<T>,
    private readonly max: number,
    what: string,
  ) {
    this.codec = jsonRecord(z.array(item).max(max), what) as RecordCodec<T[]>;
  }

  async all(): Promise<readonly T[]> {
    if (!this.list) {
      const bytes = await this.vault.get('records', this.name);
      this.list = bytes ? this.codec.decode(bytes) : [];
    }
    return this.list;
  }

  /** Applies `edit` to the stored list and writes the result, unless it returned the same items. */
  change(edit: (list: readonly T[]) => readonly T[]): Promise<void> {
    return this.writes.run(this.name, async () => {
      const before = await this.all();
      const next = edit(before);
      if (next.length === before.length && next.every((item, i) => item === before[i])) return;
      await this.vault.put('records', this.name, this.codec.encode([...next]));
      this.list = [...next];
    });
  }

  /** Appends the items not in the list yet (`same` says which are), each once; beyond the bound the oldest go. */
  appendNew(items: readonly T[], same: (a: T, b: T) => boolean): Promise<void> {
    return this.change((list) => {
      const fresh = items.filter((item, i) => !list.some((kept) => same(kept, item)) && items.findIndex((other) => same(other, item)) === i);
      return fresh.length === 0 ? list : [...list, ...fresh].slice(-this.max);
    });
  }
}
