// Typing notices for one chat: "typing" at most every few seconds while the user types, "stopped" when they
// send, clear the draft or go quiet. Best effort, straight through messages.send (not the outbox): a notice is only
// worth anything now, so a failure is logged and dropped. Never stored. (Receipts are state: see ReceiptWorker.)
import { ulid } from 'ulid';
import { invoke } from '../../ipc';

export async function sendTyping(conversationId: string, typing: boolean): Promise<void> {
  try {
    await invoke('messages.send', { conversationId, messageId: ulid(), content: { kind: 'typing', typing } });
  } catch (error) {
    console.warn('parley.typing_dropped', { error: error instanceof Error ? error.name : typeof error });
  }
}

const REPEAT_MS = 3_000;
const QUIET_MS = 5_000;

export class TypingNotifier {
  private lastSent = 0;
  private active = false;
  private quietTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly conversationId: string,
    private readonly canSend: () => boolean,
    private readonly send: (conversationId: string, typing: boolean) => Promise<void> = sendTyping,
    private readonly now: () => number = Date.now,
  ) {}

  /** The draft changed. */
  input(text: string): void {
    if (text.trim().length === 0) {
      this.stop();
      return;
    }
    clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(() => this.stop(), QUIET_MS);
    if (!this.canSend()) return;
    const now = this.now();
    if (!this.active || now - this.lastSent >= REPEAT_MS) {
      this.active = true;
      this.lastSent = now;
      void this.send(this.conversationId, true);
    }
  }

  /** The user sent, cleared the draft, went quiet, or left the chat. */
  stop(): void {
    clearTimeout(this.quietTimer);
    if (!this.active) return;
    this.active = false;
    if (this.canSend()) void this.send(this.conversationId, false);
  }
}
