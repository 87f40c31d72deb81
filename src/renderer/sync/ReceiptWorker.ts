// Sends the delivered and read receipts each conversation owes (db/receiptPositions.ts), while the connection is
// online: read first, at most 500 message ids per receipt, conversations in parallel and one receipt at a time in
// each. A receipt main could not take (the relay is down) stays owed and goes when the connection is back, after a
// restart too.
import { ulid } from 'ulid';
import type { SendMessageRequestInput } from './outbox/sendTypes';
import type { ParleyDatabase } from '../db/database';
import { conversationsOwingReceipts, nextOwedReceipt, recordReceiptHandedOver } from '../db/receiptPositions';
import { fullJitterDelay } from '../../shared/base';
import { OUTBOX_BACKOFF } from './outbox/OutboxWorker';
import { IpcError } from '../ipc';
import type { IpcErrorCode } from '../../shared/ipc';

/** The contract's limit of message ids per receipt. */
export const MAX_IDS_PER_RECEIPT = 500;

export interface ReceiptWorkerOptions {
  db: ParleyDatabase;
  send(request: SendMessageRequestInput): Promise<unknown>;
  log?: (event: string, fields: Record<string, unknown>) => void;
  random?: () => number;
}

/**
 * Answers from main that mean this receipt can never be sent (the chat or its people are gone, or blocked): it is
 * dropped, and logged. Anything else — the relay down, a changed identity not yet accepted — keeps it owed.
 */
const PERMANENT_CODES = new Set<IpcErrorCode>(['invalid_request', 'unknown_conversation', 'unknown_group', 'not_group_member', 'unknown_user', 'not_a_contact', 'blocked', 'message_too_large']);

function isPermanent(error: unknown): boolean {
  return error instanceof IpcError && PERMANENT_CODES.has(error.code);
}

function errorName(error: unknown): string {
  return error instanceof IpcError ? error.code : error instanceof Error ? error.name : typeof error;
}

export class ReceiptWorker {
  private online = false;
  private stopped = false;
  private readonly running = new Map<string, Promise<void>>();
  private readonly wanted = new Set<string>();
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  private readonly log: NonNullable<ReceiptWorkerOptions['log']>;

  constructor(private readonly options: ReceiptWorkerOptions) {
    this.log = options.log ?? (() => undefined);
  }

  /** Follows the connection: every owed receipt goes when it comes online. */
  setOnline(online: boolean): void {
    const cameOnline = online && !this.online;
    this.online = online;
    if (cameOnline) this.pokeAll();
  }

  /** This conversation may owe a receipt now (a message was stored or read). */
  poke(conversationId: string): void {
    if (this.stopped || !this.online) return;
    if (this.running.has(conversationId)) {
      this.wanted.add(conversationId);
      return;
    }
    const run = this.drain(conversationId)
      .catch((error: unknown) => {
        if (this.stopped) return;
        this.log('receipt.retry', { error: errorName(error) });
        this.retryLater();
      })
      .finally(() => {
        this.running.delete(conversationId);
        if (this.wanted.delete(conversationId)) this.poke(conversationId);
      });
    this.running.set(conversationId, run);
  }

  /** Looks for every conversation that owes a receipt (at start and on reconnect). */
  pokeAll(): void {
    if (this.stopped || !this.online) return;
    conversationsOwingReceipts(this.options.db)
      .then((owing) => owing.forEach((conversationId) => this.poke(conversationId)))
      .catch((error: unknown) => {
        if (!this.stopped) this.log('receipt.scan_failed', { error: errorName(error) });
      });
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
  }

  /** Resolves when nothing is being sent (tests). */
  async whenIdle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
  }

  private async drain(conversationId: string): Promise<void> {
    const { db, send } = this.options;
    while (!this.stopped && this.online) {
      const receipt = await nextOwedReceipt(db, conversationId, MAX_IDS_PER_RECEIPT);
      if (!receipt) return;
      try {
        await send({ conversationId, messageId: ulid(), content: { kind: 'receipt', receipt: receipt.kind, messageIds: receipt.messageIds } });
      } catch (error) {
        if (!isPermanent(error)) throw error;
        this.log('receipt.undeliverable', { kind: receipt.kind, error: errorName(error) });
      }
      await recordReceiptHandedOver(db, receipt);
      this.failures = 0;
    }
  }

  /** After a failure while still online (a relay hiccup): try every owed receipt again after a jittered wait. */
  private retryLater(): void {
    if (this.retryTimer !== undefined) return;
    this.failures++;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.pokeAll();
    }, fullJitterDelay(this.failures - 1, OUTBOX_BACKOFF, this.options.random));
  }
}
