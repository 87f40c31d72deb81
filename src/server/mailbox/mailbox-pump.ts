// Pushes one device mailbox to the device's live connection, strictly in mailbox order, with at most `window`
// deliveries and about `windowBytes` of payload unacked (always at least one, however large). The backlog is paged
// from the store; deliveries committed while the pump is caught up are pushed straight from memory. Whenever the two could interleave, the pump falls back to paging from its cursor,
// so order holds even for deliveries that arrive while the backlog is draining.
import type { Address } from '../../shared/protocol';
import type { MailboxStore, PushedDelivery, StoredDelivery } from '../store/relay-store';

export interface MailboxPumpOptions {
  mailbox: Address;
  store: Pick<MailboxStore, 'pageMailbox'>;
  window: number;
  /** Payload bytes unacked at most; a slow device holds at most this much relay memory. */
  windowBytes: number;
  /** Hands one delivery to the connection (which packs a turn's deliveries into one frame). */
  push: (delivery: StoredDelivery) => void;
  /** Called once, the first time everything pending has been pushed. */
  onDrained: () => void;
  onError: (error: unknown) => void;
}

export class MailboxPump {
  /** Highest seq pushed on this connection. */
  private cursor = 0;
  /** Unacked deliveries (by seq, in seq order), each with its payload size (the payload itself is not kept). */
  private readonly inFlight = new Map<number, InFlight>();
  private inFlightBytes = 0;
  private pulling = false;
  /** Set when a delivery was committed while a page was being read. */
  private pullAgain = false;
  /** True when every delivery up to `cursor` is pushed and nothing newer is known to exist. */
  private caughtUp = false;
  private drained = false;
  private stopped = false;

  constructor(private readonly options: MailboxPumpOptions) {}

  start(): void {
    this.requestPull();
  }

  stop(): void {
    this.stopped = true;
    this.inFlight.clear();
    this.inFlightBytes = 0;
  }

  get unacked(): number {
    return this.inFlight.size;
  }

  /** A delivery for this mailbox has just been committed. */
  offer(delivery: StoredDelivery): void {
    if (this.stopped || delivery.seq <= this.cursor) return;
    if (this.caughtUp && !this.pulling && delivery.seq === this.cursor + 1 && this.hasRoomFor(delivery)) {
      this.deliver(delivery);
      return;
    }
    this.caughtUp = false;
    this.requestPull();
  }

  /** Deliveries were committed to this mailbox by another relay: read them from the store. */
  wake(): void {
    this.caughtUp = false;
    this.requestPull();
  }

  /** Highest seq pushed on this connection: a device may ack up to it and no further. */
  get lastPushed(): number {
    return this.cursor;
  }

  /**
   * The device acked every delivery up to `through` and those in `also` (increasing, above `through`): frees their
   * window slots and returns the deliveries it freed, in seq order (those acked before are not among them).
   * Undefined, and nothing changes, when it names a delivery not yet pushed on this connection.
   */
  acked(through: number, also: readonly number[]): PushedDelivery[] | undefined {
    if (through > this.cursor || (also.length > 0 && also[also.length - 1]! > this.cursor)) return undefined;
    const freed: PushedDelivery[] = [];
    for (const [seq, delivery] of this.inFlight) {
      if (seq > through) break;
      this.inFlight.delete(seq);
      this.inFlightBytes -= delivery.size;
      freed.push(delivery);
    }
    for (const seq of also) {
      const delivery = this.inFlight.get(seq);
      if (delivery === undefined) continue;
      this.inFlight.delete(seq);
      this.inFlightBytes -= delivery.size;
      freed.push(delivery);
    }
    if (!this.caughtUp) this.requestPull();
    return freed;
  }

  private requestPull(): void {
    if (this.stopped) return;
    if (this.pulling) {
      this.pullAgain = true;
      return;
    }
    this.pulling = true;
    this.pull().then(
      () => {
        this.pulling = false;
      },
      (error: unknown) => {
        this.pulling = false;
        this.options.onError(error);
      },
    );
  }

  private async pull(): Promise<void> {
    for (;;) {
      this.pullAgain = false;
      const room = this.options.window - this.inFlight.size;
      if (room <= 0 || this.inFlightBytes >= this.options.windowBytes) {
        this.caughtUp = false;
        return;
      }
      // One row more than there is room for tells whether the mailbox is drained without another read.
      const page = await this.options.store.pageMailbox(this.options.mailbox, this.cursor, room + 1);
      if (this.stopped) return;
      let pushedAll = true;
      for (const delivery of page.slice(0, room)) {
        if (delivery.seq <= this.cursor) continue;
        if (!this.hasRoomFor(delivery)) {
          pushedAll = false;
          break;
        }
        this.deliver(delivery);
      }
      if (!pushedAll) {
        // The rest waits for acks; the next pull reads it again from the cursor.
        this.caughtUp = false;
        return;
      }
      if (page.length <= room && !this.pullAgain) {
        this.caughtUp = true;
        if (!this.drained) {
          this.drained = true;
          this.options.onDrained();
        }
        return;
      }
    }
  }

  private hasRoomFor(delivery: StoredDelivery): boolean {
    if (this.inFlight.size === 0) return true;
    return this.inFlight.size < this.options.window && this.inFlightBytes + delivery.payload.length <= this.options.windowBytes;
  }

  private deliver(delivery: StoredDelivery): void {
    this.cursor = delivery.seq;
    this.inFlight.set(delivery.seq, { seq: delivery.seq, from: delivery.from, messageId: delivery.messageId, size: delivery.payload.length });
    this.inFlightBytes += delivery.payload.length;
    this.options.push(delivery);
  }
}

interface InFlight extends PushedDelivery {
  size: number;
}
