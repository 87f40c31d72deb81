// Deep links waiting for the renderer. A link can arrive before there is a window (macOS `open-url` at launch,
// the first instance's own command line) or while the renderer cannot act on it yet (onboarding), so each is
// parsed at once and held, in order, until the renderer takes it. Bounded: a flood keeps only the newest.
// Logs name the route or the rejection, never the link text (an invite token is a secret).
import type { ReceivedDeepLink } from '../../../shared/ipc';
import type { Logger } from '../transport';
import { parseDeepLink } from './deepLink';

/** Where a link came from, for the log. */
export type DeepLinkSource = 'argv' | 'second-instance' | 'open-url' | 'browser-host';

export const MAX_PENDING_DEEP_LINKS = 16;

export class DeepLinkInbox {
  private pending: ReceivedDeepLink[] = [];
  private nextId = 1;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly logger: Logger) {}

  /** Parses a link from outside and holds the result (a link, or the notice that one was ignored). */
  receive(raw: unknown, source: DeepLinkSource): ReceivedDeepLink {
    const parsed = parseDeepLink(raw);
    const id = this.nextId++;
    const received: ReceivedDeepLink = parsed.ok ? { status: 'accepted', id, link: parsed.link } : { status: 'rejected', id, reason: parsed.reason };
    if (parsed.ok) this.logger.info('deep_link.received', { source, kind: parsed.link.kind });
    else this.logger.warn('deep_link.rejected', { source, reason: parsed.reason });
    this.pending.push(received);
    if (this.pending.length > MAX_PENDING_DEEP_LINKS) this.pending.splice(0, this.pending.length - MAX_PENDING_DEEP_LINKS);
    for (const listener of this.listeners) listener();
    return received;
  }

  /** Everything received since the last take, oldest first; each is handed out once. */
  take(): ReceivedDeepLink[] {
    return this.pending.splice(0);
  }

  /** Called after each arrival; returns the unsubscribe function. */
  onArrival(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
