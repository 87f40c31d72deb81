// Orders the writes of one key: never two at once (two renames racing could leave the older content in place),
// and while one runs, later ones collapse into the newest, so a burst of updates to a session costs two writes,
// not one per update. Every caller learns when content at least as new as its own is durable.

export type PendingOp<T> = { kind: 'put'; value: T } | { kind: 'delete' };

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

interface Slot<T> {
  /** The newest op asked for (queued or running): what a reader must see. */
  latest: PendingOp<T>;
  running: boolean;
  queued: { op: PendingOp<T>; waiters: Waiter[] } | null;
}

export class CoalescingWriter<T> {
  private readonly slots = new Map<string, Slot<T>>();
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly perform: (key: string, op: PendingOp<T>) => Promise<void>) {}

  /** The newest op not yet finished for `key`, if any. */
  pending(key: string): PendingOp<T> | undefined {
    return this.slots.get(key)?.latest;
  }

  /** Keys with an op not yet finished. */
  pendingKeys(): IterableIterator<string> {
    return this.slots.keys();
  }

  submit(key: string, op: PendingOp<T>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter = { resolve, reject };
      const slot = this.slots.get(key);
      if (!slot) {
        this.slots.set(key, { latest: op, running: true, queued: null });
        this.run(key, op, [waiter]);
        return;
      }
      slot.latest = op;
      if (slot.queued) {
        slot.queued.op = op;
        slot.queued.waiters.push(waiter);
      } else {
        slot.queued = { op, waiters: [waiter] };
      }
    });
  }

  /** Resolves once nothing is pending (shutdown, tests). */
  idle(): Promise<void> {
    if (this.slots.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private run(key: string, op: PendingOp<T>, waiters: Waiter[]): void {
    this.perform(key, op).then(
      () => {
        for (const waiter of waiters) waiter.resolve();
        this.next(key);
      },
      (error: unknown) => {
        for (const waiter of waiters) waiter.reject(error);
        this.next(key);
      },
    );
  }

  private next(key: string): void {
    const slot = this.slots.get(key);
    if (!slot) return;
    const queued = slot.queued;
    if (!queued) {
      this.slots.delete(key);
      if (this.slots.size === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
      return;
    }
    slot.queued = null;
    this.run(key, queued.op, queued.waiters);
  }
}
