// The join requests this device sent and that are not settled yet, in the vault: which group, whose link, which
// admins were asked, until when, and whether an admin said to wait for approval. It is what lets an answer through
// to the renderer (answers from anyone but the admins asked are dropped) and what the app shows as "waiting to
// join" — across restarts. A request is forgotten when it is answered with a refusal, when its link expires, or
// once this user is in the group.
import { z } from 'zod';
import { GroupId, GroupName, MAX_PENDING_JOINS, type PendingJoinView } from '../../../../shared/ipc';
import { Username } from '../../../../shared/protocol';
import { ListRecord, type Vault } from '../../vault';
import { MAX_TOKEN_ADMINS } from './inviteToken';

const PendingJoin = z.strictObject({
  groupId: GroupId,
  groupName: GroupName,
  inviter: Username,
  /** The admins the request went to (the token's list; the inviter among them). Absent in requests from before. */
  admins: z.array(Username).max(MAX_TOKEN_ADMINS).optional(),
  /** The link's expiry: after it no answer but an expired one can come. */
  expiresAt: z.number().int(),
  askedAt: z.number().int(),
  approval: z.boolean(),
  /** The admin's device answered that an admin has to let this user in. */
  waiting: z.boolean(),
});
type PendingJoin = z.infer<typeof PendingJoin>;

const RECORD = 'group-joins-asked';

export class PendingJoins {
  private readonly records: ListRecord<PendingJoin>;

  constructor(vault: Vault) {
    this.records = new ListRecord(vault, RECORD, PendingJoin, MAX_PENDING_JOINS, 'join requests sent');
  }

  /** Remembers a request; beyond MAX_PENDING_JOINS the oldest goes (a repeat for the same group and link's admin replaces the earlier one). */
  add(join: Omit<PendingJoin, 'waiting'>): Promise<void> {
    return this.records.change((list) => [...list.filter((p) => !same(p, join)), { ...join, waiting: false }].slice(-MAX_PENDING_JOINS));
  }

  /** The inviter of the open request for `groupId` that `admin` was asked to answer, if there is one. */
  async askedOf(groupId: string, admin: string): Promise<string | undefined> {
    return (await this.records.all()).find((p) => p.groupId === groupId && (p.admins ?? [p.inviter]).includes(admin))?.inviter;
  }

  /** The request now waits for an admin. */
  markWaiting(groupId: string, inviter: string): Promise<void> {
    return this.records.change((list) => list.map((p) => (same(p, { groupId, inviter }) && !p.waiting ? { ...p, waiting: true } : p)));
  }

  remove(groupId: string, inviter: string): Promise<void> {
    return this.records.change((list) => list.filter((p) => !same(p, { groupId, inviter })));
  }

  /** The requests still open, oldest first; expired ones and those whose group this user is in are forgotten. */
  async open(now: number, isMember: (groupId: string) => boolean): Promise<PendingJoinView[]> {
    await this.records.change((list) => {
      const kept = list.filter((p) => now < p.expiresAt && !isMember(p.groupId));
      return kept.length === list.length ? list : kept;
    });
    return (await this.records.all()).map(({ admins: _asked, ...p }) => p);
  }
}

function same(a: { groupId: string; inviter: string }, b: { groupId: string; inviter: string }): boolean {
  return a.groupId === b.groupId && a.inviter === b.inviter;
}
