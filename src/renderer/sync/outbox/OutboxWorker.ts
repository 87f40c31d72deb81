// Drains the outbox in IndexedDB: per conversation strictly in queue order (one message in flight per
// conversation), conversations in parallel, only while the relay connection is online. Retryable failures back
// off with full jitter; others mark the message `failed` with the reason (and queue the unsent notice for this user's
// other devices). All state is in Dexie, so a new worker over the same database (a reload, a restart) resumes
// exactly where the last one stopped. It never sends a row
// whose message is no longer queued, and a resend after a crash reuses the message id (main and relay dedup).
import Dexie from 'dexie';
import { ulid } from 'ulid';
import type { SendMessageRequestInput, SendMessageResult } from './sendTypes';
import type { ParleyDatabase } from '../../db/database';
import { advanceStatus, type ActionContent, type OutboxRow } from '../../db/rows';
import { fullJitterDelay, type BackoffPolicy } from '../../../shared/base';
import { defaultLaneLock, type LaneLock } from './laneLock';
import { IpcError } from '../../ipc';

export interface OutboxWorkerOptions {
  db: ParleyDatabase;
  send(request: SendMessageRequestInput): Promise<SendMessageResult>;
  backoff?: BackoffPolicy;
  now?: () => number;
  random?: () => number;
  /** Conversations sending at the same time. */
  maxParallel?: number;
  lock?: LaneLock;
  log?: (event: string, fields: Record<string, unknown>) => void;
}

interface FailureInfo {
  code: string;
  message: string;
  retryable: boolean;
}

/** Retry delays of a message: exponential with full jitter from 1 s, capped at a minute. */
export const OUTBOX_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 60_000 };

/** How long a conversation waits after IndexedDB itself failed. */
const LANE_RETRY_MS = 5_000;

/** Worth another try whatever main said about retrying. */
const TRANSIENT_CODES = new Set<string>(['offline', 'rate_limited']);

function describeFailure(error: unknown): FailureInfo {
  if (error instanceof IpcError) {
    return { code: error.code, message: error.message, retryable: error.retryable || TRANSIENT_CODES.has(error.code) };
  }
  // Not an answer from main (the bridge is gone, a bug): trying again later is the safe choice.
  return { code: 'internal', message: 'Parley could not reach its main process.', retryable: true };
}

export class OutboxWorker {
  private readonly db: ParleyDatabase;
  private readonly send: OutboxWorkerOptions['send'];
  private readonly backoff: BackoffPolicy;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly maxParallel: number;
  private readonly lock: LaneLock;
  private readonly log: NonNullable<OutboxWorkerOptions['log']>;

  private online = false;
  private stopped = false;
  /** When the connection last came online; rows that failed before it may go at once. */
  private onlineSince = 0;
  private readonly running = new Map<string, Promise<void>>();
  /** Lanes that were poked while running or while all slots were busy. */
  private readonly wanted = new Set<string>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(options: OutboxWorkerOptions) {
    this.db = options.db;
    this.send = options.send;
    this.backoff = options.backoff ?? OUTBOX_BACKOFF;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.maxParallel = options.maxParallel ?? 4;
    this.lock = options.lock ?? defaultLaneLock();
    this.log = options.log ?? (() => undefined);
  }

  /** Follows the connection: drains when online, pauses (after the sends in flight) otherwise. */
  setOnline(online: boolean): void {
    if (online && !this.online) this.onlineSince = this.now();
    this.online = online;
    if (online) this.pokeAllInBackground();
  }

  private pokeAllInBackground(): void {
    this.pokeAll().catch((error: unknown) => {
      if (!this.stopped) this.log('outbox.scan_failed', { error: error instanceof Error ? error.name : typeof error });
    });
  }

  /** Something was queued in this conversation. */
  poke(conversationId: string): void {
    if (this.stopped || !this.online) return;
    if (this.running.has(conversationId) || this.running.size >= this.maxParallel) {
      this.wanted.add(conversationId);
      return;
    }
    this.clearTimer(conversationId);
    const lane = this.runLane(conversationId)
      .catch((error: unknown) => {
        // IndexedDB failed (or closed on shutdown): the rows stay queued; the next poke or reconnect retries.
        if (this.stopped) return;
        this.log('outbox.lane_failed', { error: error instanceof Error ? error.name : typeof error });
        this.wakeAt(conversationId, LANE_RETRY_MS);
      })
      .finally(() => {
      this.running.delete(conversationId);
      this.startWanted();
    });
    this.running.set(conversationId, lane);
  }

  /** Finds every conversation with queued rows (one indexed read per conversation) and pokes it. */
  async pokeAll(): Promise<void> {
    let next = await this.db.outbox.orderBy('[conversationId+id]').first();
    while (next) {
      this.poke(next.conversationId);
      next = await this.db.outbox.where('[conversationId+id]').above([next.conversationId, Dexie.maxKey]).first();
    }
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.wanted.clear();
  }

  /** Resolves when no lane is running (tests and shutdown). */
  async whenIdle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
  }

  private startWanted(): void {
    for (const conversationId of [...this.wanted]) {
      if (this.running.size >= this.maxParallel) return;
      if (this.running.has(conversationId)) continue;
      this.wanted.delete(conversationId);
      this.poke(conversationId);
    }
  }

  private async runLane(conversationId: string): Promise<void> {
    await this.lock(`parley-outbox:${this.db.name}:${conversationId}`, async () => {
      while (!this.stopped && this.online) {
        const head = await this.db.outbox
          .where('[conversationId+id]')
          .between([conversationId, Dexie.minKey], [conversationId, Dexie.maxKey])
          .first();
        if (!head?.id) return;
        const now = this.now();
        const eligible = head.nextAttemptAt <= now || (head.lastFailedAt ?? 0) < this.onlineSince;
        if (!eligible) {
          this.wakeAt(conversationId, head.nextAttemptAt - now);
          return;
        }
        await this.attempt(head as OutboxRow & { id: number });
      }
    });
  }

  private async attempt(head: OutboxRow & { id: number }): Promise<void> {
    if (head.action) return this.attemptAction(head, head.action);
    const message = await this.db.messages.get(head.messageSeq);
    if (!message || message.status !== 'queued' || message.messageId !== head.messageId || message.deleted) {
      // Sent, confirmed by a receipt, or deleted meanwhile: nothing to send.
      await this.db.outbox.delete(head.id);
      return;
    }
    const forwarded = message.forwarded ? { forwarded: true as const } : {};
    const timed = message.expireTimerSeconds ? { expireTimerSeconds: message.expireTimerSeconds } : {};
    const content = message.attachments?.length
      ? {
          kind: 'media' as const,
          caption: message.body,
          attachmentIds: message.attachments.map((attachment) => attachment.id),
          ...(message.replyTo ? { replyTo: message.replyTo } : {}),
          ...forwarded,
          ...timed,
        }
      : {
          kind: 'text' as const,
          body: message.body,
          ...(message.quote ? { quote: message.quote } : {}),
          ...timed,
          ...forwarded,
        };
    try {
      const result = await this.send({ conversationId: head.conversationId, messageId: head.messageId, content });
      await this.db.transaction('rw', this.db.messages, this.db.outbox, async () => {
        await this.db.outbox.delete(head.id);
        const current = await this.db.messages.get(head.messageSeq);
        if (current) await this.db.messages.update(head.messageSeq, { status: advanceStatus(current.status, 'sent'), sentAt: result.sentAt, failure: undefined });
      });
    } catch (error) {
      const failure = describeFailure(error);
      if (failure.retryable) {
        await this.backOff(head, failure);
      } else {
        this.log('outbox.failed', { code: failure.code });
        await this.db.transaction('rw', this.db.messages, this.db.outbox, async () => {
          await this.db.outbox.delete(head.id);
          const current = await this.db.messages.get(head.messageSeq);
          if (current?.status === 'queued') {
            await this.db.messages.update(head.messageSeq, { status: 'failed', failure: { code: failure.code, message: failure.message } });
            // This user's other devices may show it as being sent from here (their history): they are told.
            const unsent = { kind: 'unsent' as const, messageIds: [head.messageId], reason: 'failed' as const };
            const now = this.now();
            await this.db.outbox.add({ conversationId: head.conversationId, messageId: ulid(now), messageSeq: head.messageSeq, attempts: 0, nextAttemptAt: now, action: unsent });
          }
        });
      }
    }
  }

  /**
   * A reaction, edit, delete or timer change: sent as stored, with the same retries as a message. One that cannot be
   * sent at all is dropped with a log line (the change stays on this device; there is no row to mark failed).
   */
  private async attemptAction(head: OutboxRow & { id: number }, action: ActionContent): Promise<void> {
    try {
      await this.send({ conversationId: head.conversationId, messageId: head.messageId, content: action });
      await this.db.outbox.delete(head.id);
    } catch (error) {
      const failure = describeFailure(error);
      if (failure.retryable) {
        await this.backOff(head, failure);
      } else {
        this.log('outbox.action_failed', { code: failure.code, kind: action.kind });
        await this.db.outbox.delete(head.id);
      }
    }
  }

  private async backOff(head: OutboxRow & { id: number }, failure: FailureInfo): Promise<void> {
    const now = this.now();
    const attempts = head.attempts + 1;
    const delay = fullJitterDelay(attempts - 1, this.backoff, this.random);
    this.log('outbox.retry', { code: failure.code, attempts, delayMs: delay });
    await this.db.outbox.update(head.id, {
      attempts,
      nextAttemptAt: now + delay,
      lastFailedAt: now,
      lastError: { code: failure.code, message: failure.message },
    });
  }

  private wakeAt(conversationId: string, delayMs: number): void {
    this.clearTimer(conversationId);
    const timer = setTimeout(() => {
      this.timers.delete(conversationId);
      this.poke(conversationId);
    }, Math.max(0, delayMs));
    this.timers.set(conversationId, timer);
  }

  private clearTimer(conversationId: string): void {
    const timer = this.timers.get(conversationId);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(conversationId);
  }
}
