// v9 → v10: the indexer's queue was a meta key per message (`search.queue:<seq>`, written by the v9 upgrade and by
// v9's sends and history import); it becomes ranges of seqs in `indexQueue` (indexQueue.ts). Atomic, like every upgrade.
import type { Transaction } from 'dexie';
import { runsOf } from './indexQueue';

/** The v9 queue's meta keys. */
export const V9_QUEUE_PREFIX = 'search.queue:';

export async function moveQueueKeys(tx: Transaction): Promise<void> {
  const meta = tx.table('meta');
  const keys = (await meta.where('key').startsWith(V9_QUEUE_PREFIX).primaryKeys()) as string[];
  if (keys.length === 0) return;
  const seqs = keys.map((key) => Number(key.slice(V9_QUEUE_PREFIX.length))).filter(Number.isSafeInteger);
  await tx.table('indexQueue').bulkAdd(runsOf(seqs).map(([first, last]) => ({ first, last })));
  await meta.bulkDelete(keys);
}
