// Receive with durability (docs/architecture.md, "How data flows": Receive): deliveries from each sender device are
// handled in order, in batches. For a batch: decrypt everything against working copies, then store — the inbox
// entries first, then the group, sender-key and contact changes, then the device's session state, and only then
// delete a consumed one-time prekey — and only then tell the renderer. Inbox entries are acked when the renderer commits them;
// typing notices, control messages and failures are acked here, once their effects are durable. A redelivery of
// something already in the inbox, or recently committed, is never decrypted twice.
import { toBase64 } from '../../../../shared/encoding/base64';
import { addressKey, normalizeUsername, type Address } from '../../../../shared/protocol';
import { MAX_RECEIVED_PER_EVENT, type GroupUpdate, type GroupView, type ReceivedMessage } from '../../../../shared/ipc';
import { contactView } from '../../contacts/contactView';
import { observeSender, type CertifiedDevice, type Peer } from '../../contacts/identityTrust';
import { announceLinkedDevices } from '../../contacts/linkedDeviceNotice';
import { speaksForAccount } from '../../devices/deviceCertificates';
import { applyReceivedUpdate } from '../../groups/applyReceivedUpdate';
import { toView } from '../../groups/group';
import { deviceKey } from '../../sessions/PairwiseChannel';
import { idHint, type Delivery } from '../../transport';
import type { MessagingContext } from '../context';
import { inboxIdOf } from '../Inbox';
import { ReceiveBatch, type ItemOutcome } from './ReceiveBatch';

/**
 * Deliveries handled per batch: one inbox record, one session write and one messages.received event for all of them
 * (a batch of more would be split over events).
 */
const MAX_BATCH = MAX_RECEIVED_PER_EVENT;
/** Group content parked per group while its notice is awaited; beyond it the oldest fails. */
export const PARK_LIMIT_PER_GROUP = 64;
/** How long group content waits for the notice that makes it acceptable before it counts as undecryptable. */
export const PARK_MAX_AGE_MS = 10 * 60 * 1000;

interface Effects {
  /** The peer record before this batch, and after it. */
  before: Peer | undefined;
  peer: Peer | undefined;
  /** The peer record changed (a new contact, a new or changed key): worth a contacts.changed. */
  peerChanged: boolean;
  groupChanges: { group: GroupView; update: GroupUpdate }[];
  /** Peers whose verification, accepted key, contact or blocked state another of this user's devices changed. */
  changedElsewhere: Peer[];
}

interface Parked {
  from: Address;
  delivery: Delivery;
  since: number;
}

export interface ReceiveStats {
  received: number;
  failed: number;
  redelivered: number;
  /** Content from a newer version: kept and shown as such (or, when its sender marked it silent, dropped). */
  unsupported: number;
  /** Content that decrypted but was broken: shown as unreadable. */
  malformed: number;
}

export class ReceivePipeline {
  private readonly queues = new Map<string, { from: Address; deliveries: Delivery[] }>();
  private readonly draining = new Map<string, Promise<void>>();
  readonly stats: ReceiveStats = { received: 0, failed: 0, redelivered: 0, unsupported: 0, malformed: 0 };
  /** Group content waiting for its group (or its sender's membership) to be known: unacked, by group. */
  private readonly parked = new Map<string, Map<string, Parked>>();
  private sweeper: ReturnType<typeof setInterval> | undefined;
  private closed = false;

  constructor(private readonly ctx: MessagingContext) {}

  /** Takes a delivery from the transport. Never throws; never acks before the effects are durable. */
  deliver(delivery: Delivery): void {
    if (this.closed) return;
    const inboxId = inboxIdOf(delivery);
    if (this.ctx.inbox.has(inboxId)) {
      this.ctx.inbox.attach(inboxId, delivery);
      this.stats.redelivered++;
      return;
    }
    const key = deviceKey(delivery.from);
    const queue = this.queues.get(key) ?? { from: { user: normalizeUsername(delivery.from.user), device: delivery.from.device }, deliveries: [] };
    queue.deliveries.push(delivery);
    this.queues.set(key, queue);
    if (!this.draining.has(key)) {
      const run = this.drain(key).finally(() => this.draining.delete(key));
      this.draining.set(key, run);
    }
  }

  /** Resolves when everything delivered so far is handled (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.draining.size > 0) await Promise.all([...this.draining.values()]);
  }

  close(): void {
    this.closed = true;
    if (this.sweeper !== undefined) clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  /** A group changed (a notice arrived, or this user added someone): try what was waiting for it again. */
  retryParked(groupId: string): void {
    const waiting = this.parked.get(groupId);
    if (!waiting) return;
    this.parked.delete(groupId);
    for (const entry of waiting.values()) this.deliver(entry.delivery);
    // Keep when each started waiting, so retries do not extend the deadline.
    for (const [key, entry] of waiting) this.parkedSince.set(key, entry.since);
  }

  private readonly parkedSince = new Map<string, number>();

  private park(groupId: string, from: Address, delivery: Delivery): void {
    const key = `${deviceKey(from)}/${delivery.messageId}`;
    const waiting = this.parked.get(groupId) ?? new Map<string, Parked>();
    const since = this.parkedSince.get(key) ?? waiting.get(key)?.since ?? this.ctx.now();
    this.parkedSince.delete(key);
    waiting.set(key, { from, delivery, since });
    this.parked.set(groupId, waiting);
    if (waiting.size > PARK_LIMIT_PER_GROUP) {
      const [oldestKey, oldest] = waiting.entries().next().value!;
      waiting.delete(oldestKey);
      this.giveUp(oldest);
    }
    this.sweeper ??= setInterval(() => this.sweep(), Math.min(PARK_MAX_AGE_MS, 60_000));
    this.sweeper.unref?.();
  }

  private sweep(): void {
    const deadline = this.ctx.now() - PARK_MAX_AGE_MS;
    for (const [groupId, waiting] of this.parked) {
      for (const [key, entry] of waiting) {
        if (entry.since > deadline) continue;
        waiting.delete(key);
        this.giveUp(entry);
      }
      if (waiting.size === 0) this.parked.delete(groupId);
    }
    if (this.parked.size === 0 && this.sweeper !== undefined) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }

  /** Parked content whose group never made it acceptable: acked like any undecryptable message. */
  private giveUp(entry: Parked): void {
    this.stats.failed++;
    this.ctx.logger.warn('receive.decrypt_failed', { code: 'not_a_member', from: idHint(addressKey(entry.from)), device: entry.from.device });
    this.ctx.inbox.noteAcked(entry.from, entry.delivery.messageId);
    entry.delivery.ack();
  }

  private async drain(key: string): Promise<void> {
    for (;;) {
      const queue = this.queues.get(key);
      if (!queue || queue.deliveries.length === 0 || this.closed) {
        this.queues.delete(key);
        return;
      }
      const batch = queue.deliveries.splice(0, MAX_BATCH);
      try {
        await this.ctx.deviceLock.run(key, () => this.handle(queue.from, batch));
      } catch (error) {
        // The vault failed: nothing of this batch is acked, so the relay delivers it again after a reconnect.
        this.ctx.logger.error('receive.batch_failed', { count: batch.length, code: codeOf(error) });
      }
    }
  }

  private async handle(from: Address, deliveries: Delivery[]): Promise<void> {
    const { ctx } = this;
    const fresh: Delivery[] = [];
    const seen = new Map<string, Delivery[]>();
    for (const delivery of deliveries) {
      const inboxId = inboxIdOf(delivery);
      if (ctx.inbox.has(inboxId)) {
        ctx.inbox.attach(inboxId, delivery);
        this.stats.redelivered++;
      } else if (seen.has(delivery.messageId)) {
        seen.get(delivery.messageId)!.push(delivery);
      } else if (await ctx.inbox.wasHandled(from, delivery.messageId)) {
        delivery.ack();
        this.stats.redelivered++;
      } else {
        seen.set(delivery.messageId, []);
        fresh.push(delivery);
      }
    }
    if (fresh.length === 0) return;

    const batch = new ReceiveBatch(ctx, from, await ctx.sessions.load(from), await ctx.prekeys.load(), (distributionId) =>
      ctx.senderKeys.loadReceived(from, distributionId),
    );
    batch.certified = await this.vouchedFor(from);
    for (const delivery of fresh) await batch.add(delivery);

    // 0. Files become records before an inbox entry names them (ids derived from the message: a redelivery reuses them).
    for (const outcome of batch.outcomes) {
      if (outcome.kind === 'inbox' && outcome.pointers && outcome.message.content.kind === 'media') {
        const { conversationId, messageId, sender } = outcome.message;
        outcome.message.content.attachments = await ctx.attachments.adopt(outcome.pointers, outcome.message.inboxId, { conversationId, messageId, sender: sender.user });
      }
    }
    // 1. What the renderer will be shown, before any state that could not decrypt it again: one record for the batch.
    await ctx.inbox.addAll(
      batch.outcomes.flatMap((o) =>
        o.kind === 'inbox'
          ? [{ message: o.message, source: { from, relayMessageId: o.delivery.messageId, delivery: o.delivery }, ...(o.group ? { groupSnapshot: o.group.snapshot } : {}) }]
          : [],
      ),
    );
    // 2. Everything else the batch changed, the session state last but for the prekeys it consumed.
    let effects: Effects;
    try {
      effects = await this.storeEffects(from, batch);
    } catch (error) {
      // The inbox entries are safe: show them (the renderer commits, the relay forgets them). Nothing else is acked,
      // so the rest comes again after a reconnect and is handled from the state that is really on disk.
      ctx.logger.error('receive.state_write_failed', { code: codeOf(error) });
      this.show(batch.outcomes.flatMap((outcome) => (outcome.kind === 'inbox' ? [outcome.message] : [])));
      return;
    }
    // 3. Tell the renderer; ack what has no inbox entry.
    if (effects.peerChanged && effects.peer?.contact) ctx.contactChanged(contactView(effects.peer));
    if (effects.peerChanged) announceLinkedDevices(ctx, effects.before, effects.peer);
    for (const change of effects.groupChanges) ctx.events.emit('groups.changed', change);
    for (const peer of effects.changedElsewhere) if (peer.contact || peer.blocked) ctx.contactChanged(contactView(peer));
    const shown: ReceivedMessage[] = [];
    for (const outcome of batch.outcomes) this.finish(from, outcome, seen.get(outcome.delivery.messageId) ?? [], shown);
    this.show(shown);
    for (const change of effects.groupChanges) this.retryParked(change.group.groupId);
    if (batch.outcomes.some((o) => o.kind === 'invite' && o.envelope.type === 'group_join_request')) ctx.joinWorkQueued();
  }

  /**
   * For a sender device this user does not know yet: its identity key as the relay lists it, if its certificate
   * verifies under the account key (docs/security.md §18). Undefined when the device is known, or the relay cannot
   * say (then trust on first use applies, and only to users whose account key is not known yet).
   */
  private async vouchedFor(from: Address): Promise<CertifiedDevice | undefined> {
    const { ctx } = this;
    if (ctx.peers.get(from.user)?.devices.some((d) => d.device === from.device)) return undefined;
    try {
      const listed = await ctx.relay.listDevices(from.user);
      const device = listed.devices.find((d) => d.device === from.device);
      if (!device || !speaksForAccount(ctx.provider, from.user, listed.accountKey, device.identityKey, device.certificate)) return undefined;
      return { identityKey: device.identityKey, accountKey: listed.accountKey };
    } catch (error) {
      ctx.logger.warn('receive.device_lookup_failed', { code: codeOf(error) });
      return undefined;
    }
  }

  /** Trust, group and sender-key changes; then the session state; then the one-time prekeys it consumed. */
  private async storeEffects(from: Address, batch: ReceiveBatch): Promise<Effects> {
    const { ctx } = this;
    const before = ctx.peers.get(from.user);
    const peer = await this.storePeer(from, batch);
    const groupChanges: { group: GroupView; update: GroupUpdate }[] = [];
    for (const outcome of batch.outcomes) {
      if ((outcome.kind !== 'inbox' && outcome.kind !== 'control') || !outcome.group) continue;
      const state = await applyReceivedUpdate(ctx, outcome.group);
      if (state && outcome.kind === 'inbox') groupChanges.push({ group: toView(state), update: outcome.group.update });
    }
    const joinRequests = batch.outcomes.flatMap((o) =>
      o.kind === 'invite' && o.envelope.type === 'group_join_request'
        ? [
            {
              // A request another admin's device handed on names its joiner; the sender is that admin.
              joiner: o.envelope.forwardedFor ?? from.user,
              ...(o.envelope.forwardedFor === undefined ? {} : { forwardedBy: from.user }),
              groupId: o.envelope.groupId,
              token: o.envelope.token,
              receivedAt: ctx.now(),
            },
          ]
        : [],
    );
    if (joinRequests.length > 0) await ctx.joinInbox.add(joinRequests);
    const changedElsewhere: Peer[] = [];
    for (const outcome of batch.outcomes) {
      let changed: Peer | undefined;
      if (outcome.kind === 'verified') changed = await ctx.peers.verifiedElsewhere(outcome.user, toBase64(outcome.identityKey), outcome.verified);
      else if (outcome.kind === 'identity_accepted') changed = await ctx.peers.acceptedElsewhere(outcome.user, toBase64(outcome.identityKey));
      else if (outcome.kind === 'contact') changed = await ctx.peers.keptElsewhere(outcome.user, outcome, ctx.now());
      if (changed) changedElsewhere.push(changed);
    }
    await Promise.all([...batch.senderKeys.values()].map((key) => ctx.senderKeys.saveReceived(from, key)));
    if (batch.sessionsChanged) await ctx.sessions.save(from, batch.sessions);
    if (batch.usedOneTimePreKeys.size > 0 || batch.usedKemPreKeys.size > 0) {
      const { usedOneTimePreKeys: used, usedKemPreKeys: usedKem } = batch;
      await ctx.prekeys.update((state) => ({
        ...state,
        oneTime: state.oneTime.filter((k) => !used.has(k.id)),
        kem: state.kem.filter((k) => k.lastResort || !usedKem.has(k.id)),
      }));
    }
    return { before, peer, peerChanged: peer !== before, groupChanges, changedElsewhere };
  }

  /** Re-applies the identity keys the batch saw to the peer as it is now (the user may have changed it meanwhile). */
  private async storePeer(from: Address, batch: ReceiveBatch): Promise<Peer | undefined> {
    if (batch.observedIdentityKeys.length === 0 && !batch.becameContact) return this.ctx.peers.get(from.user);
    const now = this.ctx.now();
    return this.ctx.peers.update(from.user, (current) => {
      let peer = current;
      for (const key of batch.observedIdentityKeys) peer = observeSender(peer, from.user, from.device, key, batch.certified, now).peer;
      if (peer && batch.becameContact && !peer.contact) peer = { ...peer, contact: true };
      return peer === current ? undefined : peer;
    });
  }

  /** Hands the renderer what a batch decrypted, in order: one event per batch, not one per message. */
  private show(messages: ReceivedMessage[]): void {
    for (let start = 0; start < messages.length; start += MAX_RECEIVED_PER_EVENT) {
      this.ctx.received.show(messages.slice(start, start + MAX_RECEIVED_PER_EVENT));
    }
  }

  /** `shown`: where what the renderer is to be shown goes (show() hands it over once the batch is finished). */
  private finish(from: Address, outcome: ItemOutcome, duplicates: Delivery[], shown: ReceivedMessage[]): void {
    const { ctx } = this;
    switch (outcome.kind) {
      case 'inbox': {
        this.stats.received++;
        const kind = outcome.message.content.kind;
        if (kind === 'unsupported') this.stats.unsupported++;
        if (kind === 'unreadable') this.stats.malformed++;
        if (outcome.message.conversationId.startsWith('group:') && (kind === 'text' || kind === 'media' || kind === 'unsupported')) {
          ctx.recentGroupSenders.remember(outcome.message.conversationId.slice(6), outcome.message.messageId, outcome.message.sender.user);
        }
        shown.push(outcome.message);
        for (const duplicate of duplicates) ctx.inbox.attach(outcome.message.inboxId, duplicate);
        return;
      }
      case 'typing':
        // Typing notices are sent ephemeral: the relay hands them on live and never queues one for later.
        shown.push(outcome.message);
        break;
      case 'control':
        if (outcome.what === 'silent') this.stats.unsupported++;
        break;
      case 'invite':
        // A request is in the join inbox by now; an answer only tells the renderer (it changes no state).
        if (outcome.envelope.type === 'group_join_answer') ctx.joinAnswered(from, outcome.envelope.groupId, outcome.envelope.outcome);
        break;
      case 'deferred':
        // Not acked: it stays on the relay until its group's notice makes it acceptable, or it expires.
        this.park(outcome.groupId, from, duplicates.at(-1) ?? outcome.delivery);
        return;
      case 'failed':
        this.stats.failed++;
        // Never the content (there is none we trust) nor the full ids: the code, who, and a hint of the relay id.
        ctx.logger.warn('receive.decrypt_failed', {
          code: outcome.code,
          from: idHint(addressKey(from)),
          device: from.device,
          relayId: idHint(outcome.delivery.messageId),
        });
        break;
    }
    ctx.inbox.noteAcked(from, outcome.delivery.messageId);
    outcome.delivery.ack();
    for (const duplicate of duplicates) duplicate.ack();
  }
}

function codeOf(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error) return String((error as { code: unknown }).code);
  return error instanceof Error ? error.name : typeof error;
}
