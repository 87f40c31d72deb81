// Acks of one connection, sent the way protocol v2 wants them: the deliveries acked together (a stored receive
// batch, a renderer commit, or several within ACK_DELAY_MS) are acked at once — "everything through N", plus a list of
// the ones acked above a delivery still pending (a gap, e.g. group content parked until its group is known). An ack
// waits up to ACK_DELAY_MS for the connection's next send and rides inside it (`SendFrame.ackThrough`), so the relay
// reads one frame where it would read two (docs/protocol.md, `send`); with nothing to send, or with a gap, it leaves
// as an `ack` frame of its own. ACK_FLUSH_AT acks waiting leave at once, so a catch-up never waits on its delivery
// window. Scoped to a connection: deliveries are numbered by the relay per mailbox, and an ack is only meaningful
// where they came.
import { MAX_ACKS_LISTED } from '../../../shared/protocol';
import type { Clock, TimerHandle } from './clock';

/** Longest an ack waits for a send to ride in (docs/protocol.md, `ack`). */
export const ACK_DELAY_MS = 250;
/** Acks waiting at which they leave at once. */
export const ACK_FLUSH_AT = 64;

export class AckTracker {
  /** Delivered seqs in arrival (= increasing) order, from `head` on not yet covered by `through`. */
  private outstanding: number[] = [];
  private head = 0;
  private readonly acked = new Set<number>();
  /** Acked and not sent yet. */
  private fresh: number[] = [];
  private through = 0;
  private scheduled = false;
  private timer: TimerHandle | undefined;
  private closed = false;

  constructor(
    private readonly sendAck: (through: number, also: number[]) => void,
    private readonly clock: Pick<Clock, 'setTimeout' | 'clearTimeout'>,
  ) {}

  /** Highest seq delivered so far; a new delivery must be above it. */
  get lastDelivered(): number {
    return this.outstanding.length > this.head ? this.outstanding[this.outstanding.length - 1]! : this.through;
  }

  /** A delivery arrived (seqs increase along a connection). */
  delivered(seq: number): void {
    this.outstanding.push(seq);
  }

  /**
   * The consumer stored delivery `seq`. Its ack rides in the connection's next send within ACK_DELAY_MS, or leaves
   * alone after it — or at the end of this turn once ACK_FLUSH_AT are waiting — together with the others waiting then.
   */
  ack(seq: number): void {
    if (this.closed || this.acked.has(seq) || seq <= this.through) return;
    this.acked.add(seq);
    this.fresh.push(seq);
    if (this.fresh.length < ACK_FLUSH_AT) {
      this.timer ??= this.clock.setTimeout(() => this.flush(), ACK_DELAY_MS);
    } else if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  /**
   * The connection is about to write a send: the `through` it is to carry when one number says every ack waiting;
   * otherwise (nothing waits, or a gap needs a list) undefined, and what waits has left just now in an `ack` frame of
   * its own, ahead of the send.
   */
  carryInSend(): number | undefined {
    if (this.closed || this.fresh.length === 0) return undefined;
    this.stopTimer();
    const also = this.settle();
    if (also.length === 0) return this.through;
    this.sendFrames(also);
    return undefined;
  }

  /** The acks waiting leave now (before an orderly close, or when their time is up). */
  flush(): void {
    this.scheduled = false;
    this.stopTimer();
    if (this.closed || this.fresh.length === 0) return;
    const before = this.through;
    const also = this.settle();
    if (also.length > 0) this.sendFrames(also);
    else if (this.through > before) this.sendAck(this.through, []);
  }

  /** The connection ended: acks not sent yet are dropped (the relay delivers those envelopes again). */
  close(): void {
    this.closed = true;
    this.stopTimer();
  }

  /** Moves `through` over every delivery acked without a gap; returns the acks waiting above it, in order. */
  private settle(): number[] {
    while (this.head < this.outstanding.length && this.acked.has(this.outstanding[this.head]!)) {
      const seq = this.outstanding[this.head++]!;
      this.acked.delete(seq);
      this.through = seq;
    }
    if (this.head > 1024 && this.head * 2 > this.outstanding.length) {
      this.outstanding = this.outstanding.slice(this.head);
      this.head = 0;
    }
    const also = this.fresh.filter((seq) => seq > this.through).sort((a, b) => a - b);
    this.fresh = [];
    return also;
  }

  private sendFrames(also: number[]): void {
    for (let start = 0; start < also.length; start += MAX_ACKS_LISTED) {
      this.sendAck(start === 0 ? this.through : 0, also.slice(start, start + MAX_ACKS_LISTED));
    }
  }

  private stopTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
