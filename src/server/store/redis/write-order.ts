// The order rule that lets a relay's mailbox batches overlap on Redis while they still apply in call order where it
// can be seen. A batch takes its turn when it is submitted:
// - per mailbox: its acks and appends there wait until every earlier batch that writes the same mailbox has made its
//   writes there, so deliveries keep the order of the batches (and, within a batch, of the envelopes) in every
//   mailbox, and an ack applies after the appends submitted before it;
// - per delivery name: a batch holding an envelope (sender, message id) that an earlier unfinished batch holds too
//   starts only once that batch has finished, so the later one sees its dedup record (a resend is a duplicate).
// Batches sharing neither run side by side: their round trips to Redis overlap.

export interface WriteTurn {
  /** Settles once every earlier batch holding one of this batch's delivery names has finished. */
  readonly started: Promise<void>;
  /** Settles once every earlier batch writing one of these mailboxes has made its writes there. */
  mayWrite(mailboxes: Iterable<string>): Promise<void>;
  /** Settles once every earlier batch writing one of this batch's mailboxes has made its writes there. */
  mayWriteAll(): Promise<void>;
  /** This batch will write no more to its mailboxes: later batches may write there. */
  wroteMailboxes(): void;
  /** This batch has finished (also releases its mailboxes). */
  finished(): void;
}

export class WriteOrder {
  /** Per mailbox key: settles when the last batch that took a turn on it has made its writes there. */
  private readonly mailboxes = new Map<string, Promise<void>>();
  /** Per delivery name: settles when the last batch that holds it has finished. */
  private readonly names = new Map<string, Promise<void>>();

  /** Takes the turn of a batch writing `mailboxes` and holding envelopes named `names`, in call order. */
  take(mailboxes: Iterable<string>, names: Iterable<string>): WriteTurn {
    const released = latch();
    const done = latch();
    // Per mailbox key: the earlier batch's writes there (none: undefined).
    const before = new Map<string, Promise<void> | undefined>();
    const earlierWrites: Array<Promise<void>> = [];
    for (const key of mailboxes) {
      if (before.has(key)) continue;
      const earlierWrite = this.mailboxes.get(key);
      before.set(key, earlierWrite);
      if (earlierWrite !== undefined) earlierWrites.push(earlierWrite);
      this.mailboxes.set(key, released.promise);
    }
    const earlier: Array<Promise<void>> = [];
    const held = new Set(names);
    for (const name of held) {
      const holder = this.names.get(name);
      if (holder !== undefined) earlier.push(holder);
      this.names.set(name, done.promise);
    }
    const release = () => {
      released.open();
      for (const key of before.keys()) if (this.mailboxes.get(key) === released.promise) this.mailboxes.delete(key);
    };
    return {
      started: earlier.length === 0 ? Promise.resolve() : Promise.all(earlier).then(() => undefined),
      mayWrite: (keys) => Promise.all([...keys].map((key) => before.get(key) ?? Promise.resolve())).then(() => undefined),
      mayWriteAll: () => (earlierWrites.length === 0 ? Promise.resolve() : Promise.all(earlierWrites).then(() => undefined)),
      wroteMailboxes: release,
      finished: () => {
        release();
        done.open();
        for (const name of held) if (this.names.get(name) === done.promise) this.names.delete(name);
      },
    };
  }
}

function latch(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}
