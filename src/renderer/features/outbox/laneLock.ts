// One sender per conversation lane, even when two workers share a database (a reloaded window whose old worker
// still finishes a send, or two windows): Web Locks where the browser has them, an in-page chain otherwise.
export type LaneLock = <T>(name: string, task: () => Promise<T>) => Promise<T>;

const chains = new Map<string, Promise<unknown>>();

/** In-page fallback: tasks under one name run one after another. */
export const inPageLaneLock: LaneLock = (name, task) => {
  const previous = chains.get(name) ?? Promise.resolve();
  const run = previous.then(task, task);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  chains.set(name, settled);
  void settled.then(() => {
    if (chains.get(name) === settled) chains.delete(name);
  });
  return run;
};

export function defaultLaneLock(): LaneLock {
  const locks = typeof navigator === 'undefined' ? undefined : (navigator as Navigator & { locks?: LockManager }).locks;
  if (!locks?.request) return inPageLaneLock;
  return (name, task) => locks.request(name, task) as ReturnType<typeof task>;
}
