// This device's side of the group's invite links, in the vault: one record for all of them, loaded on first use.
// The group's state holds every link's terms, uses and revocation (every member has them); what only this device
// has is kept here: the token of a link it made (the state never carries it: it is a bearer secret) and the join
// requests that reached it and wait for an admin. A link is forgotten a week after it expired.
import { z } from 'zod';
import { GroupId, InviteId, InviteLinkToken, MAX_PENDING_JOIN_REQUESTS } from '../../../../shared/ipc';
import { Username } from '../../../../shared/protocol';
import { ListRecord, type Vault } from '../../vault';

/** Links one device keeps at once (live ones; old ones are pruned). */
export const MAX_KEPT_INVITES = 500;
const FORGET_AFTER_MS = 7 * 24 * 60 * 60 * 1000;

export const InviteRecord = z.strictObject({
  inviteId: InviteId,
  groupId: GroupId,
  /** The link, when this device made it. */
  token: InviteLinkToken.optional(),
  expiresAt: z.number().int(),
  /** People whose request reached this device and who wait for an admin, oldest first. */
  requests: z.array(Username).max(MAX_PENDING_JOIN_REQUESTS),
});
export type InviteRecord = z.infer<typeof InviteRecord>;

/** Named apart from the per-device records of the first invite design (which this one does not read). */
const RECORD = 'group-invite-links';

export class InviteStore {
  private readonly records: ListRecord<InviteRecord>;

  constructor(
    vault: Vault,
    private readonly now: () => number,
  ) {
    this.records = new ListRecord(vault, RECORD, InviteRecord, MAX_KEPT_INVITES, 'group invites');
  }

  all(): Promise<readonly InviteRecord[]> {
    return this.records.all();
  }

  async get(inviteId: string): Promise<InviteRecord | undefined> {
    return (await this.all()).find((r) => r.inviteId === inviteId);
  }

  /** Adds a link; false when this device already keeps as many live links as it may. */
  async add(record: InviteRecord): Promise<boolean> {
    let added = false;
    await this.change((list) => {
      if (list.length >= MAX_KEPT_INVITES) return list;
      added = true;
      return [...list.filter((r) => r.inviteId !== record.inviteId), record];
    });
    return added;
  }

  /**
   * Changes one link under the store's write lock: `edit` sees the record as stored now (or `fresh` when there is
   * none yet) and returns its new form (or the same object for no change).
   */
  update(inviteId: string, edit: (record: InviteRecord) => InviteRecord, fresh?: InviteRecord): Promise<void> {
    return this.change((list) => {
      const current = list.find((r) => r.inviteId === inviteId);
      if (!current) return fresh && list.length < MAX_KEPT_INVITES ? [...list, edit(fresh)] : list;
      const next = edit(current);
      return next === current ? list : list.map((r) => (r === current ? next : r));
    });
  }

  /** Every change also forgets links that expired more than a week ago. */
  private change(edit: (list: readonly InviteRecord[]) => readonly InviteRecord[]): Promise<void> {
    const forgetBefore = this.now() - FORGET_AFTER_MS;
    return this.records.change((list) => {
      const kept = list.filter((r) => r.expiresAt > forgetBefore);
      const next = edit(kept);
      return next === kept && kept.length === list.length ? list : next;
    });
  }
}
