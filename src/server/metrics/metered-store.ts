// A RelayStore that measures the one it wraps: commit latency, each other operation's latency and failures, and
// what the commits did (sends by outcome, deliveries stored, acks). It changes no result and no error.
import type {
  BundleRequest,
  DeviceLink,
  DeviceRecord,
  LinkOutcome,
  MailboxWriteBatch,
  MailboxWriteResult,
  NewDevice,
  PrekeyCount,
  PrekeyUpload,
  PublishOutcome,
  RegisterOutcome,
  RelayStore,
  StoredDelivery,
  TakeBundlesOutcome,
} from '../store/relay-store';
import type { Address } from '../../shared/protocol';
import type { RelayMetrics, SendOutcome } from './relay-metrics';

export class MeteredStore implements RelayStore {
  constructor(
    private readonly inner: RelayStore,
    private readonly metrics: RelayMetrics,
  ) {}

  async commitMailboxBatch(batch: MailboxWriteBatch): Promise<MailboxWriteResult> {
    const done = this.metrics.commitTimer();
    let result: MailboxWriteResult;
    try {
      result = await this.inner.commitMailboxBatch(batch);
    } catch (error) {
      this.metrics.storeFailed('commit');
      this.metrics.sent('failed', batch.enqueues.length);
      throw error;
    }
    done();
    // Counted per commit, not per send: a labelled counter hashes its labels on every call.
    const outcomes = new Map<SendOutcome, number>();
    let deliveries = 0;
    for (const outcome of result.enqueues) {
      outcomes.set(outcome.status, (outcomes.get(outcome.status) ?? 0) + 1);
      if (outcome.status === 'stored') deliveries += outcome.deliveries.length;
    }
    for (const [status, count] of outcomes) this.metrics.sent(status, count);
    this.metrics.deliveriesStored(deliveries);
    this.metrics.acked(batch.acks.length);
    return result;
  }

  registerDevice(device: NewDevice): Promise<RegisterOutcome> {
    return this.measure('register_device', () => this.inner.registerDevice(device));
  }

  findDevice(address: Address): Promise<DeviceRecord | undefined> {
    return this.measure('find_device', () => this.inner.findDevice(address));
  }

  linkDevice(link: DeviceLink): Promise<LinkOutcome> {
    return this.measure('link_device', () => this.inner.linkDevice(link));
  }

  listDevices(user: string): Promise<DeviceRecord[]> {
    return this.measure('list_devices', () => this.inner.listDevices(user));
  }

  removeDevice(address: Address, now: number): Promise<boolean> {
    return this.measure('remove_device', () => this.inner.removeDevice(address, now));
  }

  touchDevice(address: Address, at: number): Promise<void> {
    return this.measure('touch_device', () => this.inner.touchDevice(address, at));
  }

  pageMailbox(mailbox: Address, afterSeq: number, limit: number): Promise<StoredDelivery[]> {
    return this.measure('page_mailbox', () => this.inner.pageMailbox(mailbox, afterSeq, limit));
  }

  pendingCount(mailbox: Address): Promise<number> {
    return this.inner.pendingCount(mailbox);
  }

  pruneDedupRecords(goneBefore: number, limit: number): Promise<number> {
    return this.measure('prune_dedup', () => this.inner.pruneDedupRecords(goneBefore, limit));
  }

  publishPrekeys(upload: PrekeyUpload): Promise<PublishOutcome> {
    return this.measure('publish_prekeys', () => this.inner.publishPrekeys(upload));
  }

  countPrekeys(device: Address): Promise<PrekeyCount> {
    return this.measure('count_prekeys', () => this.inner.countPrekeys(device));
  }

  takePrekeyBundles(request: BundleRequest, limit: number): Promise<TakeBundlesOutcome> {
    return this.measure('take_prekeys', () => this.inner.takePrekeyBundles(request, limit));
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async measure<T>(operation: string, run: () => Promise<T>): Promise<T> {
    const done = this.metrics.storeTimer(operation);
    try {
      const result = await run();
      done();
      return result;
    } catch (error) {
      this.metrics.storeFailed(operation);
      throw error;
    }
  }
}
