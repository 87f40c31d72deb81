// Who sent recent group messages, so a receipt for them goes back to their sender over the pairwise session
// instead of to the whole group (a 1,000-member group would otherwise fan every receipt out to every device).
// Memory only and bounded: a receipt for a message it no longer knows goes to the group as a group message.
export const RECENT_GROUP_SENDERS = 20_000;

export class RecentGroupSenders {
  private readonly senders = new Map<string, string>();

  constructor(private readonly capacity = RECENT_GROUP_SENDERS) {}

  remember(groupId: string, messageId: string, sender: string): void {
    const key = `${groupId}/${messageId}`;
    this.senders.delete(key);
    this.senders.set(key, sender);
    if (this.senders.size > this.capacity) this.senders.delete(this.senders.keys().next().value!);
  }

  senderOf(groupId: string, messageId: string): string | undefined {
    return this.senders.get(`${groupId}/${messageId}`);
  }
}
