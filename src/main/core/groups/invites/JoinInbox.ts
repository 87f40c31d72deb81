// Join requests that reached this device and are not yet dealt with, in the vault. A request is stored here before
// the session state its ciphertext advanced (so a crash cannot lose it: it could not be decrypted again) and taken
// out only once it is answered or its joiner added; GroupInvites works through it outside the receive path.
import { z } from 'zod';
import { GroupId, InviteLinkToken } from '../../../../shared/ipc';
import { Username } from '../../../../shared/protocol';
import { ListRecord, type Vault } from '../../vault';

/** Requests kept at once; beyond it the oldest goes (the joiner can ask again). */
export const MAX_QUEUED_JOIN_REQUESTS = 200;

const QueuedJoinRequest = z.strictObject({
  joiner: Username,
  /** The admin whose device handed the request on (the joiner asked the admins the token names). */
  forwardedBy: Username.optional(),
  groupId: GroupId,
  token: InviteLinkToken,
  receivedAt: z.number().int(),
});
export type QueuedJoinRequest = z.infer<typeof QueuedJoinRequest>;

const RECORD = 'group-join-requests';

export class JoinInbox {
  private readonly records: ListRecord<QueuedJoinRequest>;

  constructor(vault: Vault) {
    this.records = new ListRecord(vault, RECORD, QueuedJoinRequest, MAX_QUEUED_JOIN_REQUESTS, 'join requests');
  }

  all(): Promise<readonly QueuedJoinRequest[]> {
    return this.records.all();
  }

  /** Keeps requests (one per joiner and token: a repeat adds nothing). */
  add(requests: readonly QueuedJoinRequest[]): Promise<void> {
    return this.records.appendNew(requests, same);
  }

  remove(request: QueuedJoinRequest): Promise<void> {
    return this.records.change((list) => list.filter((q) => !same(q, request)));
  }
}

function same(a: QueuedJoinRequest, b: QueuedJoinRequest): boolean {
  return a.joiner === b.joiner && a.token === b.token;
}
