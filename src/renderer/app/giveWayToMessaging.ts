// What the search indexer waits for before a slice that indexes (SearchIndexer's `yieldTo`): receiving first, so a
// catch-up is stored before any of it is indexed, then a send on its way, so a send's 'sent' update never waits
// behind an index transaction over the rows it touches. Both waits are bounded: under steady traffic, or while a
// large file is sent or a thousand messages go out, the index still moves a slice at a time.

/** Receiving counts as paused once main has handed nothing over for this long (ReceiveWorker.whenQuiet). */
export const INDEX_AFTER_QUIET_MS = 400;
/** Under steady incoming traffic a slice still starts this long after the last one was ready. */
export const INDEX_WAIT_MAX_MS = 2_000;
/**
 * The longest a slice waits for the sends on their way: longer than a text message's round trip to the relay, short
 * enough that a thousand sends in a row do not hold indexing back (a slice at most every this many milliseconds).
 */
export const INDEX_SEND_WAIT_MAX_MS = 300;

export interface Receiving {
  whenQuiet(quietMs: number, atMostMs: number): Promise<void>;
}

export interface Sending {
  whenIdle(): Promise<void>;
}

/** Resolves when `work` has settled, or after `ms`, whichever comes first; never rejects. */
function settledOrAfter(work: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    work.then(done, done);
  });
}

export async function giveWayToMessaging(receiving: Receiving, sending: Sending): Promise<void> {
  await receiving.whenQuiet(INDEX_AFTER_QUIET_MS, INDEX_WAIT_MAX_MS);
  await settledOrAfter(sending.whenIdle(), INDEX_SEND_WAIT_MAX_MS);
}
