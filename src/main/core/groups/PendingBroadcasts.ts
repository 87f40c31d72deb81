// Group changes this device made that not every member has heard of yet: stored before the change itself, so a
// crash or a dropped connection can neither leave this device changed and the others not, nor lose the notice.
// Resent on every `online` until each member's copy is on the relay (relay ids are derived, so repeats stay single).
import { z } from 'zod';
import { GroupUpdate, MAX_GROUP_MEMBERS } from '../../../shared/ipc';
import { MessageId, Username } from '../../../shared/protocol';
import type { GroupUpdateEnvelope } from '../messaging/wire';
import { ListRecord, type Vault } from '../vault';
import { GroupRecord, toSnapshot } from './group';

const Broadcast = z.strictObject({
  messageId: MessageId,
  sentAt: z.number().int().nonnegative(),
  update: GroupUpdate,
  /** The group as this change leaves it. */
  state: GroupRecord,
  /** Users who still need the notice. */
  recipients: z.array(Username).max(MAX_GROUP_MEMBERS),
});
export type Broadcast = z.infer<typeof Broadcast>;
const RECORD = 'group-broadcasts';

/** The notice a broadcast sends: the update and the group's snapshot after it. */
export function noticeOf(broadcast: Broadcast): GroupUpdateEnvelope {
  return {
    type: 'group_update',
    groupId: broadcast.state.groupId,
    messageId: broadcast.messageId,
    sentAt: broadcast.sentAt,
    update: broadcast.update,
    state: toSnapshot(broadcast.state),
  };
}

export class PendingBroadcasts {
  private readonly records: ListRecord<Broadcast>;

  constructor(vault: Vault) {
    this.records = new ListRecord(vault, RECORD, Broadcast, 10_000, 'pending group changes');
  }

  all(): Promise<readonly Broadcast[]> {
    return this.records.all();
  }

  add(broadcast: Broadcast): Promise<void> {
    return this.records.change((list) => [...list, broadcast]);
  }

  /** Records that these recipients have it; drops the broadcast when no one is left. */
  delivered(messageId: string, recipients: readonly string[]): Promise<void> {
    return this.records.change((list) =>
      list
        .map((b) => (b.messageId === messageId ? { ...b, recipients: b.recipients.filter((r) => !recipients.includes(r)) } : b))
        .filter((b) => b.recipients.length > 0),
    );
  }
}
