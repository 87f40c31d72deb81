// Group changes this device made that not every member has heard of yet: stored before the change itself, so a
// crash or a dropped connection can neither leave this device changed and the others not, nor lose the notice.
// Resent on every `online` until each member's copy is on the relay (relay ids are derived, so repeats stay single).
import { z } from 'zod';
import { KeyedQueue } from '../../../shared/base';
import { GroupId, GroupName, MAX_GROUP_MEMBERS } from '../../../shared/ipc';
import { Username } from '../../../shared/protocol';
import { GroupUpdateEnvelope } from '../messaging/envelope';
import { jsonRecord, type Vault } from '../vault';

const GroupStateRecord = z.strictObject({
  groupId: GroupId,
  name: GroupName,
  members: z.array(Username).max(MAX_GROUP_MEMBERS),
  admins: z.array(Username).max(MAX_GROUP_MEMBERS),
  createdBy: Username,
  revision: z.number().int().nonnegative(),
  keyEpoch: z.number().int().nonnegative(),
  active: z.boolean(),
  createdAt: z.number().int(),
});

const Broadcast = z.strictObject({
  envelope: GroupUpdateEnvelope,
  /** The group as this change leaves it. */
  state: GroupStateRecord,
  /** Users who still need the notice. */
  recipients: z.array(Username).max(MAX_GROUP_MEMBERS),
});
export type Broadcast = z.infer<typeof Broadcast>;
const codec = jsonRecord(z.array(Broadcast).max(10_000), 'pending group changes');
const RECORD = 'group-broadcasts';

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
        .map((b) => (b.envelope.messageId === messageId ? { ...b, recipients: b.recipients.filter((r) => !recipients.includes(r)) } : b))
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
