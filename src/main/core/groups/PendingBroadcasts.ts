// Group changes this device made that not every member has heard of yet: stored before the change itself, so a
// crash or a dropped connection can neither leave this device changed and the others not, nor lose the notice.
// Resent on every `online` until each member's copy is on the relay (relay ids are derived, so repeats stay single).
import { z } from 'zod';
import { KeyedQueue } from '../../../shared/base';
import { GroupUpdate, MAX_GROUP_MEMBERS } from '../../../shared/ipc';
import { MessageId, Username } from '../../../shared/protocol';
import type { GroupUpdateEnvelope } from '../messaging/wire';
import { jsonRecord, type Vault } from '../vault';
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
const codec = jsonRecord(z.array(Broadcast).max(10_000), 'pending group changes');
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
  private list: Broadcast[] | undefined;
  /** Rewrites of the one record, one at a time. */
  private readonly writes = new KeyedQueue();

  constructor(private readonly vault: Vault) {}

  async all(): Promise<Broadcast[]> {
    if (!this.list) {
      const bytes = await this.vault.get('records', RECORD);
      this.list = bytes ? codec.decode(bytes) : [];
    }
    return this.list;
  }

  add(broadcast: Broadcast): Promise<void> {
    return this.change((list) => [...list, broadcast]);
  }

  /** Records that these recipients have it; drops the broadcast when no one is left. */
  delivered(messageId: string, recipients: readonly string[]): Promise<void> {
    return this.change((list) =>
      list
        .map((b) => (b.messageId === messageId ? { ...b, recipients: b.recipients.filter((r) => !recipients.includes(r)) } : b))
        .filter((b) => b.recipients.length > 0),
    );
  }

  private change(edit: (list: Broadcast[]) => Broadcast[]): Promise<void> {
    return this.writes.run(RECORD, async () => {
      const next = edit(await this.all());
      await this.vault.put('records', RECORD, codec.encode(next));
      this.list = next;
    });
  }
}
