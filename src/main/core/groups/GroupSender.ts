// Sends one group message: one Sender Keys ciphertext for the whole group, fanned out by the relay to every member
// device in as few `send`s as its recipient limit allows. Before that, this device's sender key is rotated if a
// member was removed or left since it was made, and given (over the pairwise sessions) to every member device that
// does not have it yet. The advanced sender-key state is durable before the ciphertext leaves.
import { encodeSenderKeyDistributionMessage } from '../../../shared/crypto/sender-key-message';
import { createSenderKey, groupEncrypt, rotateSenderKey, senderKeyDistributionMessage } from '../../../shared/crypto/sender-key';
import { ulid } from 'ulid';
import { AppError } from '../../../shared/ipc';
import { addressKey, type Address, type DeviceMismatch, type KnownDevice } from '../../../shared/protocol';
import { isSendHeld } from '../contacts/identityTrust';
import type { MessagingContext } from '../messaging/context';
import { encodeEnvelope } from '../messaging/wire';
import { wrapPayload } from '../messaging/payload';
import { relayMessageId } from '../messaging/relayIds';
import type { PairwiseChannel } from '../sessions/PairwiseChannel';
import { DevicesChangedError, TransportError, idHint, type SendOptions } from '../transport';
import { checkMismatches, knownDevicesOf } from '../messaging/send/knownDevices';
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
    const recipients = await this.memberDevices(group);
    const refused = await this.fanOut(group, recipients, plaintext, messageId, 'group', options);
    if (refused === undefined) return;
    // Some member's devices were not as this device knew them: follow the relay, then send once more (a new
    // ciphertext, so that devices new to the sender key can read it) to the members whose copies were refused.
    await this.pairwise.correctDevices(refused.mismatches);
    const again = await this.memberDevices({ ...group, members: refused.members });
    await this.fanOut(group, again, plaintext, messageId, 'group-again', { ...options, unchecked: true });
    this.ctx.logger.info('group.devices_corrected_and_resent', { group: idHint(groupId), members: refused.members.length });
  }

  /**
   * Gives the sender key to the devices that lack it, encrypts once and sends to `recipients` in as few sends as the
   * recipient limit allows, a member's devices always in one of them. Sends are checked unless ephemeral or
   * `unchecked`; what the relay refused for changed devices is returned (checked against what was sent).
   */
  private async fanOut(
    group: GroupState,
    recipients: readonly Address[],
    plaintext: Uint8Array,
    messageId: string,
    kind: string,
    options: SendOptions & { unchecked?: boolean },
  ): Promise<{ mismatches: DeviceMismatch[]; members: string[] } | undefined> {
    const own = await this.ownKey(group);
    await this.distribute(group, own, recipients);
    const { state, message } = groupEncrypt(this.ctx.provider, own.state, plaintext);
    await this.ctx.senderKeys.saveOwn(group.groupId, { state, epoch: own.epoch });
    if (recipients.length === 0) return undefined;
    const payload = wrapPayload(message);
    const checked = !options.ephemeral && !options.unchecked;
    const parts = sendParts(recipients, this.ctx.maxRecipientsPerSend, (users) => knownDevicesOf((name) => this.ctx.peers.get(name), this.ctx.me, users));
    const sent = await Promise.allSettled(
      parts.map((part, i) =>
        this.ctx.relay.send(relayMessageId(kind, messageId, group.groupId, i), part.to, payload, { ephemeral: options.ephemeral, known: checked ? part.known : undefined }),
      ),
    );
    const mismatches: DeviceMismatch[] = [];
    const members: string[] = [];
    for (const [i, result] of sent.entries()) {
      if (result.status === 'fulfilled') continue;
      if (!(result.reason instanceof DevicesChangedError) || !checked) throw result.reason;
      mismatches.push(...checkMismatches(result.reason.devices, parts[i]!.known, this.ctx.me));
      members.push(...new Set(parts[i]!.to.map((device) => device.user)));
    }
    return mismatches.length === 0 ? undefined : { mismatches, members };
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

/**
 * The relay sends of one group message: each names at most `limit` devices known (so at most `limit` recipients),
 * and a member's devices are never split between two, so each send can say what it knows of its members' accounts.
 */
export function sendParts(
  recipients: readonly Address[],
  limit: number,
  knownOf: (users: readonly string[]) => KnownDevice[],
): Array<{ to: Address[]; known: KnownDevice[] }> {
  const byUser = new Map<string, Address[]>();
  for (const device of recipients) byUser.set(device.user, [...(byUser.get(device.user) ?? []), device]);
  const parts: Array<{ to: Address[]; known: KnownDevice[] }> = [];
  let current: { to: Address[]; known: KnownDevice[] } | undefined;
  for (const [user, devices] of byUser) {
    const known = knownOf([user]);
    if (current === undefined || (current.to.length > 0 && current.known.length + known.length > limit)) parts.push((current = { to: [], known: [] }));
    current.to.push(...devices);
    current.known.push(...known);
  }
  return parts;
}
