// The invite links this device made, in the vault: one record for all of them, loaded on first use. The record is
// what makes a link work — a valid signature alone is not enough: a link this device has no record of, or one
// revoked, expired or used up here, lets no one in. A link is forgotten a week after it expired.
import { z } from 'zod';
import { GroupId, InviteId, InviteLinkToken, MAX_INVITE_USES, MAX_PENDING_JOIN_REQUESTS } from '../../../../shared/ipc';
import { Username } from '../../../../shared/protocol';
import { ListRecord, type Vault } from '../../vault';

/** Links one device keeps at once (live ones; old ones are pruned). */
export const MAX_KEPT_INVITES = 500;
const FORGET_AFTER_MS = 7 * 24 * 60 * 60 * 1000;

export const InviteRecord = z.strictObject({
  inviteId: InviteId,
  groupId: GroupId,
  token: InviteLinkToken,
  createdAt: z.number().int(),
  expiresAt: z.number().int(),
  maxUses: z.number().int().min(0).max(MAX_INVITE_USES),
  approval: z.boolean(),
  /** People who joined with it. */
  uses: z.number().int().min(0),
  revoked: z.boolean(),
  /** Who joined with it (a repeated request from one of them is answered, never counted twice). */
  joined: z.array(Username).max(MAX_INVITE_USES),
  /** Waiting for an admin (approval links), oldest first. */
  requests: z.array(Username).max(MAX_PENDING_JOIN_REQUESTS),
});
export type InviteRecord = z.infer<typeof InviteRecord>;

const RECORD = 'group-invites';

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
      return [...list, record];
    });
    return added;
  }

  /**
   * Changes one link under the store's write lock: `edit` sees the record as stored now and returns its new form
   * (or the same object for no change). Resolves with the record as it is afterwards.
   */
  async update(inviteId: string, edit: (record: InviteRecord) => InviteRecord): Promise<InviteRecord | undefined> {
    let result: InviteRecord | undefined;
    await this.change((list) =>
      list.map((record) => {
        if (record.inviteId !== inviteId) return record;
        result = edit(record);
        return result;
      }),
    );
    return result;
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
