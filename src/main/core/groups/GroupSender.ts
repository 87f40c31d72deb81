// Sends one group message: one Sender Keys ciphertext for the whole group, fanned out by the relay to every member
// device in as few `send`s as its recipient limit allows. Before that, this device's sender key is rotated if a
// member was removed or left since it was made, and given (over the pairwise sessions) to every member device that
// does not have it yet. The advanced sender-key state is durable before the ciphertext leaves.
import { encodeSenderKeyDistributionMessage } from '../../../shared/crypto/sender-key-message';
import { createSenderKey, groupEncrypt, rotateSenderKey, senderKeyDistributionMessage } from '../../../shared/crypto/sender-key';
import { ulid } from 'ulid';
import { AppError } from '../../../shared/ipc';
import { addressKey, type Address } from '../../../shared/protocol';
import { isSendHeld } from '../contacts/identityTrust';
import type { MessagingContext } from '../messaging/context';
import { encodeEnvelope } from '../messaging/wire';
import { wrapPayload } from '../messaging/payload';
import { relayMessageId } from '../messaging/relayIds';
import type { PairwiseChannel } from '../sessions/PairwiseChannel';
import { TransportError, idHint, type SendOptions } from '../transport';
import type { GroupState } from './group';
import type { OwnSenderKey } from './SenderKeyStore';

/** Pairwise sends (sender keys, group updates) in flight at once. */
export const PAIRWISE_FANOUT_CONCURRENCY = 8;

export class GroupSender {
  constructor(
    private readonly ctx: MessagingContext,
    private readonly pairwise: PairwiseChannel,
  ) {}

  /** Call inside the group's conversation lane. Throws AppError or the relay's TransportError. */
  async send(groupId: string, plaintext: Uint8Array, messageId: string, options: SendOptions = {}): Promise<void> {
    const group = this.ctx.groups.get(groupId);
    if (!group) throw new AppError('unknown_group', { id: 'group.unknown' });
    if (!group.active || !group.members.includes(this.ctx.me.user)) {
      throw new AppError('not_group_member', { id: 'group.not_member' });
    }
    const held = group.members.find((member) => {
      const peer = this.ctx.peers.get(member);
      return member !== this.ctx.me.user && peer !== undefined && isSendHeld(peer);
    });
    if (held) {
      throw new AppError('identity_changed', { id: 'group.identity_changed', params: { user: held } });
    }
    const own = await this.ownKey(group);
    const recipients = await this.memberDevices(group);
    await this.distribute(group, own, recipients);
    const { state, message } = groupEncrypt(this.ctx.provider, own.state, plaintext);
    await this.ctx.senderKeys.saveOwn(groupId, { state, epoch: own.epoch });
    if (recipients.length === 0) return;
    const payload = wrapPayload(message);
    const chunk = this.ctx.maxRecipientsPerSend;
    const sends: Promise<unknown>[] = [];
    for (let start = 0, part = 0; start < recipients.length; start += chunk, part++) {
      sends.push(this.ctx.relay.send(relayMessageId('group', messageId, groupId, part), recipients.slice(start, start + chunk), payload, options));
    }
    await Promise.all(sends);
  }

  /** Every device of every other member that we can reach; members who no longer exist are left out. */
  async memberDevices(group: GroupState): Promise<Address[]> {
    const devices: Address[] = [];
    for (const member of group.members) {
      if (member === this.ctx.me.user) continue;
      try {
        devices.push(...(await this.pairwise.devicesOf(member)));
      } catch (error) {
        if (isUnreachableMember(error)) {
          this.ctx.logger.warn('group.member_unreachable', { member: idHint(member), code: (error as { code: string }).code });
          continue;
        }
        throw error;
      }
    }
    return devices;
  }

  private async ownKey(group: GroupState): Promise<OwnSenderKey> {
    const current = await this.ctx.senderKeys.loadOwn(group.groupId);
    if (current && current.epoch >= group.keyEpoch) return current;
    const state = current ? rotateSenderKey(this.ctx.provider, current.state) : createSenderKey(this.ctx.provider);
    const fresh = { state, epoch: group.keyEpoch };
    await this.ctx.senderKeys.saveOwn(group.groupId, fresh);
    this.ctx.logger.info(current ? 'group.sender_key_rotated' : 'group.sender_key_created', { group: idHint(group.groupId) });
    return fresh;
  }

  /** Gives the current chain to each member device that lacks it, before the first message on it. */
  private async distribute(group: GroupState, own: OwnSenderKey, recipients: readonly Address[]): Promise<void> {
    const given = await this.ctx.senderKeys.distributedTo(group.groupId, own.state.chainId);
    const missing = recipients.filter((device) => !given.has(addressKey(device)));
    if (missing.length === 0) return;
    const distribution = encodeSenderKeyDistributionMessage(senderKeyDistributionMessage(own.state));
    const plaintext = encodeEnvelope({ type: 'sender_key', groupId: group.groupId, messageId: ulid(), sentAt: this.ctx.now(), distribution });
    const done = new Set(given);
    let failure: unknown;
    await forEachConcurrently(missing, PAIRWISE_FANOUT_CONCURRENCY, async (device) => {
      try {
        const payload = await this.pairwise.encrypt(device, plaintext);
        const id = relayMessageId('skdm', null, group.groupId, own.state.chainId, addressKey(device));
        await this.ctx.relay.send(id, [device], payload);
        done.add(addressKey(device));
      } catch (error) {
        failure ??= error;
      }
    });
    await this.ctx.senderKeys.saveDistributedTo(group.groupId, own.state.chainId, done);
    if (failure) throw failure;
  }
}

/** A member whose account is gone or never set up encryption: skip them rather than fail the whole group. */
export function isUnreachableMember(error: unknown): boolean {
  if (error instanceof TransportError) return error.code === 'unknown_user' || error.code === 'no_prekeys' || error.code === 'unknown_recipient';
  return error instanceof Error && error.name === 'CryptoError';
}

export async function forEachConcurrently<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
