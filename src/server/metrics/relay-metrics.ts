// The relay's Prometheus metrics (prom-client), one registry per relay so several relays in one process (tests)
// never mix. Names and meanings are listed in docs/operations.md ("Metrics"); nothing here is ever labelled with a
// user, a device or a message id — labels are fixed sets (outcomes, store operations, error codes).
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ErrorCode } from '../../shared/protocol';
import type { StoreKind } from '../config';

/** Seconds: from a quarter millisecond to 2.5 s, where a slow disk or a distant Redis shows. */
const LATENCY_BUCKETS = [0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export type SendOutcome = 'stored' | 'duplicate' | 'unknown_recipient' | 'mailbox_full' | 'failed';

export interface RelayGauges {
  connectedDevices(): number;
  /** Deliveries pushed to live connections and not yet acked. */
  unackedDeliveries(): number;
  /** Pending deliveries in the mailboxes of the devices connected here (read from the store at scrape time). */
  connectedBacklog(): Promise<number>;
}

export class RelayMetrics {
  readonly registry = new Registry();
  private readonly sends: Counter<'outcome'>;
  private readonly storedDeliveries: Counter;
  /** Deliveries pushed since the last scrape: counted as a plain number (one per delivery), added at scrape time. */
  private pushedSinceScrape = 0;
  private readonly acks: Counter;
  private readonly errors: Counter<'code'>;
  private readonly commitSeconds: Histogram;
  private readonly storeSeconds: Histogram<'operation'>;
  private readonly storeFailures: Counter<'operation'>;

  constructor(store: StoreKind, gauges: RelayGauges) {
    this.registry.setDefaultLabels({ store });
    const registers = [this.registry];
    this.sends = new Counter({ name: 'parley_sends_total', help: 'Envelopes sent to the relay, by outcome', labelNames: ['outcome'], registers });
    this.storedDeliveries = new Counter({ name: 'parley_deliveries_stored_total', help: 'Deliveries written to device mailboxes', registers });
    const pushed = () => {
      const count = this.pushedSinceScrape;
      this.pushedSinceScrape = 0;
      return count;
    };
    new Counter({
      name: 'parley_deliveries_pushed_total',
      help: 'Deliveries pushed to live connections',
      registers,
      collect() {
        this.inc(pushed());
      },
    });
    this.acks = new Counter({ name: 'parley_acks_total', help: 'Mailbox acks committed (one per acking device per commit)', registers });
    this.errors = new Counter({ name: 'parley_errors_total', help: 'Error frames answered to devices, by code', labelNames: ['code'], registers });
    this.commitSeconds = new Histogram({
      name: 'parley_commit_seconds',
      help: 'Duration of one group commit of sends and acks, until durable as configured (SQLite: including the WAL fsync; Redis: every round trip of the batch)',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.storeSeconds = new Histogram({
      name: 'parley_store_seconds',
      help: 'Duration of store operations other than commits (mailbox pages, prekeys, accounts): on Redis, round trips',
      labelNames: ['operation'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.storeFailures = new Counter({ name: 'parley_store_failures_total', help: 'Store operations that failed', labelNames: ['operation'], registers });
    new Gauge({
      name: 'parley_connected_devices',
      help: 'Authenticated devices with a live connection to this relay',
      registers,
      collect() {
        this.set(gauges.connectedDevices());
      },
    });
    new Gauge({
      name: 'parley_deliveries_unacked',
      help: 'Deliveries pushed to live connections and not yet acked',
      registers,
      collect() {
        this.set(gauges.unackedDeliveries());
      },
    });
    new Gauge({
      name: 'parley_connected_mailbox_backlog',
      help: 'Pending deliveries in the mailboxes of the devices connected to this relay',
      registers,
      async collect() {
        this.set(await gauges.connectedBacklog());
      },
    });
  }

  sent(outcome: SendOutcome, count = 1): void {
    this.sends.inc({ outcome }, count);
  }

  deliveriesStored(count: number): void {
    this.storedDeliveries.inc(count);
  }

  deliveryPushed(): void {
    this.pushedSinceScrape += 1;
  }

  acked(count: number): void {
    this.acks.inc(count);
  }

  errorSent(code: ErrorCode): void {
    this.errors.inc({ code });
  }

  commitTimer(): () => void {
    return this.commitSeconds.startTimer();
  }

  storeTimer(operation: string): () => void {
    return this.storeSeconds.startTimer({ operation });
  }

  storeFailed(operation: string): void {
    this.storeFailures.inc({ operation });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
