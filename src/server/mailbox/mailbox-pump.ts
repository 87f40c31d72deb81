// Pushes one device mailbox to the device's live connection, strictly in mailbox order, with at most `window`
// deliveries unacked. The backlog is paged from the store; deliveries committed while the pump is caught up are
// pushed straight from memory. Whenever the two could interleave, the pump falls back to paging from its cursor,
// so order holds even for deliveries that arrive while the backlog is draining.
import type { Address } from '../../shared/protocol';
import type { MailboxStore, StoredDelivery } from '../store/relay-store';

export interface MailboxPumpOptions {
  mailbox: Address;
  store: Pick<MailboxStore, 'pageMailbox'>;
  window: number;
  /** Writes one deliver frame to the socket. */
  push: (delivery: StoredDelivery) => void;
  /** Called once, the first time everything pending has been pushed. */
  onDrained: () => void;
  onError: (error: unknown) => void;
}

export class MailboxPump {
  /** Highest seq pushed on this connection. */
  private cursor = 0;
  private readonly inFlight = new Set<string>();
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
  }

  get unacked(): number {
    return this.inFlight.size;
  }

  /** A delivery for this mailbox has just been committed. */
  offer(delivery: StoredDelivery): void {
    if (this.stopped || delivery.seq <= this.cursor) return;
    if (this.caughtUp && !this.pulling && delivery.seq === this.cursor + 1 && this.inFlight.size < this.options.window) {
      this.deliver(delivery);
      return;
    }
    this.caughtUp = false;
    this.requestPull();
  }

  /** The device acked a delivery; frees its window slot. Returns whether it was in flight here. */
  acked(deliveryId: string): boolean {
    const wasInFlight = this.inFlight.delete(deliveryId);
    if (wasInFlight && !this.caughtUp) this.requestPull();
    return wasInFlight;
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
      if (room <= 0) {
        this.caughtUp = false;
        return;
      }
      // One row more than there is room for tells whether the mailbox is drained without another read.
      const page = await this.options.store.pageMailbox(this.options.mailbox, this.cursor, room + 1);
      if (this.stopped) return;
      for (const delivery of page.slice(0, room)) if (delivery.seq > this.cursor) this.deliver(delivery);
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

  private deliver(delivery: StoredDelivery): void {
    this.cursor = delivery.seq;
    this.inFlight.add(delivery.deliveryId);
    this.options.push(delivery);
  }
}
