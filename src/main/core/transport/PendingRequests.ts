// Requests in flight on one connection, correlated by rid. Each one settles exactly once: with its response, a
// relay error, a timeout, or a retryable failure when the connection ends — never by hanging.
import type { Clock, TimerHandle } from './clock';
import { TransportError } from './errors';

/** Each kind is answered by its own frame type (send → sent, fetch_prekeys → prekey_bundles, …) or by `error`. */
export type RequestKind =
  | 'send'
  | 'ping'
  | 'publish_prekeys'
  | 'fetch_prekeys'
  | 'count_prekeys'
  | 'blob_token'
  | 'blob_grant'
  | 'link_device'
  | 'list_devices'
  | 'remove_device';

interface Pending<T> {
  kind: RequestKind;
  /** What the answer must echo to be this request's (a fetch's normalized user). */
  echo?: string;
  resolve(value: T): void;
  reject(error: TransportError): void;
  timer: TimerHandle;
}

const MAX_RID = 2 ** 32 - 1;

export class PendingRequests {
  private nextRid = 1;
  private readonly pending = new Map<number, Pending<unknown>>();

  constructor(
    private readonly clock: Clock,
    private readonly timeoutMs: number,
  ) {}

  get size(): number {
    return this.pending.size;
  }

  /** Registers a request and returns its rid and a promise for the response. */
  open<T>(kind: RequestKind, echo?: string): { rid: number; response: Promise<T> } {
    const rid = this.allocateRid();
    const response = new Promise<T>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        if (this.pending.delete(rid)) {
          reject(new TransportError('request_timeout', 'The relay did not answer in time. Try again.', true));
        }
      }, this.timeoutMs);
      this.pending.set(rid, { kind, echo, resolve: resolve as (value: unknown) => void, reject, timer });
    });
    return { rid, response };
  }

  /** Looks at a pending request without settling it. */
  peek(rid: number): { kind: RequestKind; echo?: string } | undefined {
    const entry = this.pending.get(rid);
    return entry && { kind: entry.kind, echo: entry.echo };
  }

  resolve(rid: number, value: unknown): boolean {
    const entry = this.take(rid);
    entry?.resolve(value);
    return entry !== undefined;
  }

  reject(rid: number, error: TransportError): boolean {
    const entry = this.take(rid);
    entry?.reject(error);
    return entry !== undefined;
  }

  /** Fails everything still in flight, e.g. when the connection ends. */
  rejectAll(error: TransportError): void {
    const entries = [...this.pending.values()];
    for (const entry of entries) this.clock.clearTimeout(entry.timer);
    this.pending.clear();
    for (const entry of entries) entry.reject(error);
  }

  private take(rid: number): Pending<unknown> | undefined {
    const entry = this.pending.get(rid);
    if (!entry) return undefined;
    this.pending.delete(rid);
    this.clock.clearTimeout(entry.timer);
    return entry;
  }

  private allocateRid(): number {
    // rids wrap within the protocol's range; skipping ones still in flight keeps them unique per connection.
    for (;;) {
      const rid = this.nextRid;
      this.nextRid = rid >= MAX_RID ? 0 : rid + 1;
      if (!this.pending.has(rid)) return rid;
    }
  }
}
