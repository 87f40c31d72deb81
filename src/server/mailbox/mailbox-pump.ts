// Pushes one device mailbox to the device's live connection, strictly in mailbox order, with at most `window`
// deliveries and about `windowBytes` of payload unacked (always at least one, however large). The backlog is paged from the store; deliveries committed while the pump is caught up are
// pushed straight from memory. Whenever the two could interleave, the pump falls back to paging from its cursor,
// so order holds even for deliveries that arrive while the backlog is draining.
import type { Address } from '../../shared/protocol';
import type { MailboxStore, StoredDelivery } from '../store/relay-store';

export interface MailboxPumpOptions {
  mailbox: Address;
  store: Pick<MailboxStore, 'pageMailbox'>;
  window: number;
  /** Payload characters (base64, as framed) unacked at most; a slow device holds at most this much relay memory. */
  windowBytes: number;
  /** Writes one deliver frame to the socket. */
  push: (delivery: StoredDelivery) => void;
  /** Called once, the first time everything pending has been pushed. */
  onDrained: () => void;
  onError: (error: unknown) => void;
}

export class MailboxPump {
  /** Highest seq pushed on this connection. */
  private cursor = 0;
  /** Unacked deliveries and their payload sizes. */
  private readonly inFlight = new Map<string, number>();
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

  /** The device acked a delivery; frees its window slot. Returns whether it was in flight here. */
  acked(deliveryId: string): boolean {
    const size = this.inFlight.get(deliveryId);
    if (size === undefined) return false;
    this.inFlight.delete(deliveryId);
    this.inFlightBytes -= size;
    if (!this.caughtUp) this.requestPull();
    return true;
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
    this.inFlight.set(delivery.deliveryId, delivery.payload.length);
    this.inFlightBytes += delivery.payload.length;
    this.options.push(delivery);
  }
}
