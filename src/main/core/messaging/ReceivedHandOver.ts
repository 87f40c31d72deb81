// What main decrypted reaches the renderer two ways: `messages.pending`, everything not committed yet, which the
// renderer asks for when it starts, and a `messages.received` event for what is decrypted afterwards. Until the
// renderer first asks, an event would only repeat that answer — in a catch-up, thousands of messages validated in
// main, serialised, parsed and validated again in the page, then dropped as duplicates — so none is sent; a typing
// notice meanwhile is lost, as it is while no renderer runs (docs/security.md §11).
import type { IpcEvents, ReceivedMessage } from '../../../shared/ipc';
import type { Inbox } from './Inbox';

export class ReceivedHandOver {
  private asked = false;

  constructor(
    private readonly inbox: Pick<Inbox, 'pending'>,
    private readonly events: IpcEvents,
  ) {}

  /** The renderer takes what main holds: from now on it hears of each new message as an event too. */
  pending(): ReceivedMessage[] {
    this.asked = true;
    return this.inbox.pending();
  }

  /** Messages decrypted (or made here) for the renderer to store, in order: one event. */
  show(messages: ReceivedMessage[]): void {
    if (this.asked) this.events.emit('messages.received', messages);
  }
}
