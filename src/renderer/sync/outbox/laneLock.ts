// One sender per conversation lane, even when two workers share a database (a reloaded window whose old worker
// still finishes a send, or two windows): Web Locks where the browser has them, an in-page chain otherwise.
import { KeyedQueue } from '../../../shared/base';

export type LaneLock = <T>(name: string, task: () => Promise<T>) => Promise<T>;

const lanes = new KeyedQueue();

/** In-page fallback: tasks under one name run one after another. */
export const inPageLaneLock: LaneLock = (name, task) => lanes.run(name, task);

export function defaultLaneLock(): LaneLock {
  const locks = typeof navigator === 'undefined' ? undefined : (navigator as Navigator & { locks?: LockManager }).locks;
  if (!locks?.request) return inPageLaneLock;
  return (name, task) => locks.request(name, task) as ReturnType<typeof task>;
}
