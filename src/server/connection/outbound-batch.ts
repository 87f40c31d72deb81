// The message-path frames one connection owes at the end of an event-loop turn: deliveries and `sent` answers are
// collected as they come (a group commit produces many at once) and leave as one `deliver` and one `sent` frame,
// split only where a frame would pass the protocol's size or count limits. Frames of other kinds flush the batch
// before they are written, so a `drained` or an `error` never overtakes what came before it.
import {
  DELIVER_FRAME_OVERHEAD,
  MAX_ANSWERS_PER_FRAME,
  MAX_DELIVERIES_PER_FRAME,
  MAX_FRAME_BYTES,
  deliveredSize,
  type DeliveredEnvelope,
  type SendStatus,
  type ServerFrame,
} from '../../shared/protocol';

export class OutboundBatch {
  private deliveries: DeliveredEnvelope[] = [];
  private answers: Array<{ rid: number; status: SendStatus }> = [];
  private scheduled = false;

  /** `write` sends one frame to the socket. */
  constructor(private readonly write: (frame: ServerFrame) => void) {}

  get isEmpty(): boolean {
    return this.deliveries.length === 0 && this.answers.length === 0;
  }

  delivery(delivery: DeliveredEnvelope): void {
    this.deliveries.push(delivery);
    this.schedule();
  }

  answer(rid: number, status: SendStatus): void {
    this.answers.push({ rid, status });
    this.schedule();
  }

  /** Writes what is queued now. */
  flush(): void {
    if (this.deliveries.length > 0) {
      const deliveries = this.deliveries;
      this.deliveries = [];
      let start = 0;
      let size = DELIVER_FRAME_OVERHEAD;
      deliveries.forEach((delivery, i) => {
        const added = deliveredSize(delivery);
        if (i > start && (size + added > MAX_FRAME_BYTES || i - start >= MAX_DELIVERIES_PER_FRAME)) {
          this.write({ type: 'deliver', deliveries: deliveries.slice(start, i) });
          start = i;
          size = DELIVER_FRAME_OVERHEAD;
        }
        size += added;
      });
      this.write({ type: 'deliver', deliveries: start === 0 ? deliveries : deliveries.slice(start) });
    }
    if (this.answers.length > 0) {
      const answers = this.answers;
      this.answers = [];
      for (let start = 0; start < answers.length; start += MAX_ANSWERS_PER_FRAME) {
        this.write({ type: 'sent', answers: answers.length <= MAX_ANSWERS_PER_FRAME ? answers : answers.slice(start, start + MAX_ANSWERS_PER_FRAME) });
      }
    }
  }

  /** Forgets what is queued (the connection is gone). */
  clear(): void {
    this.deliveries = [];
    this.answers = [];
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // After the turn's promise continuations (where commit outcomes are announced), before any I/O.
    process.nextTick(this.flushScheduled);
  }

  private readonly flushScheduled = (): void => {
    this.scheduled = false;
    this.flush();
  };
}
