// Acks of one connection, sent the way protocol v2 wants them: the deliveries acked within one turn (a stored
// receive batch, a renderer commit) leave as one `ack` frame — "everything through N", plus a list of the ones
// acked above a delivery still pending (a gap, e.g. group content parked until its group is known). Scoped to a
// connection: deliveries are numbered by the relay per mailbox, and an ack is only meaningful where they came.
import { MAX_ACKS_LISTED } from '../../../shared/protocol';

export class AckTracker {
  /** Delivered seqs in arrival (= increasing) order, from `head` on not yet covered by `through`. */
  private outstanding: number[] = [];
  private head = 0;
  private readonly acked = new Set<number>();
  /** Acked in this turn and not sent yet. */
  private fresh: number[] = [];
  private through = 0;
  private scheduled = false;
  private closed = false;

  constructor(private readonly sendAck: (through: number, also: number[]) => void) {}

  /** Highest seq delivered so far; a new delivery must be above it. */
  get lastDelivered(): number {
    return this.outstanding.length > this.head ? this.outstanding[this.outstanding.length - 1]! : this.through;
  }

  /** A delivery arrived (seqs increase along a connection). */
  delivered(seq: number): void {
    this.outstanding.push(seq);
  }

  /** The consumer stored delivery `seq`; the ack leaves at the end of this turn together with the turn's others. */
  ack(seq: number): void {
    if (this.closed || this.acked.has(seq) || seq <= this.through) return;
    this.acked.add(seq);
    this.fresh.push(seq);
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => this.flush());
  }

  /** The connection ended: acks not sent yet are dropped (the relay delivers those envelopes again). */
  close(): void {
    this.closed = true;
  }

  private flush(): void {
    this.scheduled = false;
    if (this.closed || this.fresh.length === 0) return;
    const before = this.through;
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
    if (also.length === 0) {
      if (this.through > before) this.sendAck(this.through, []);
      return;
    }
    for (let start = 0; start < also.length; start += MAX_ACKS_LISTED) {
      this.sendAck(start === 0 ? this.through : 0, also.slice(start, start + MAX_ACKS_LISTED));
    }
  }
}
