// Contacts as the renderer asks for them: add by username (fetch and verify a bundle for every device, trust on
// first use, start sessions), list, the safety number, marking verified, accepting a changed identity key, and
// blocking.
import { ulid } from 'ulid';
import { safetyNumber } from '../../../shared/crypto/safety-number';
import { fromBase64 } from '../../../shared/encoding/base64';
import { AppError, type ContactView, type SafetyNumberView } from '../../../shared/ipc';
import { addressKey, normalizeUsername } from '../../../shared/protocol';
import { toAppError } from '../messaging/appErrors';
import { relayMessageId } from '../messaging/relayIds';
import { encodeEnvelope, type SyncContactEnvelope, type SyncIdentityAcceptedEnvelope, type SyncVerifiedEnvelope } from '../messaging/wire';
import type { MessagingContext } from '../messaging/context';
import type { PairwiseChannel } from '../sessions/PairwiseChannel';
import { contactView } from './contactView';
import { acceptIdentity, comparedKey, setVerified, type Peer } from './identityTrust';

type Unstamped<Sync> = Omit<Sync, 'messageId' | 'sentAt'>;

export class ContactService {
  private readonly safetyNumbers = new Map<string, string>();

  constructor(
    private readonly ctx: MessagingContext,
    private readonly pairwise: PairwiseChannel,
  ) {}

  /** Contacts, and anyone blocked (so they can be unblocked). */
  list(): ContactView[] {
    return this.ctx.peers
      .all()
      .filter((peer) => peer.contact || peer.blocked)
      .map(contactView);
  }

  /**
   * Blocks or unblocks a known peer, here and on this user's other devices. Blocking changes nothing they can see:
   * their messages are dropped on receipt (ReceiveBatch) and one-to-one sends to them are refused (MessageSender);
   * they are not told.
   */
  async setBlocked(username: string, blocked: boolean): Promise<ContactView> {
    const name = normalizeUsername(username);
    if (name === this.ctx.me.user) throw new AppError('cannot_add_self', { id: 'contacts.self' });
    const was = this.ctx.peers.get(name)?.blocked === true;
    const peer = await this.ctx.peers.update(name, (p) => {
      if (!p || Boolean(p.blocked) === blocked) return p;
      const { blocked: _was, ...rest } = p;
      return blocked ? { ...rest, blocked: true } : rest;
    });
    if (!peer) throw new AppError('not_a_contact', { id: 'contacts.unknown', params: { user: username } });
    this.ctx.logger.info('contact.blocked', { blocked });
    const view = contactView(peer);
    this.ctx.contactChanged(view);
    if (was !== blocked) await this.syncToOwnDevices({ type: 'sync_contact', user: name, added: false, blocked });
    return view;
  }

  async add(username: string): Promise<ContactView> {
    const name = normalizeUsername(username);
    if (name === this.ctx.me.user) throw new AppError('cannot_add_self', { id: 'contacts.self' });
    const known = this.ctx.peers.get(name);
    if (known?.contact && known.devices.length > 0) return contactView(known);
    if (this.ctx.relay.snapshot.state !== 'online') {
      throw new AppError('offline', { id: 'offline.try_again' }, true);
    }
    let peer: Peer;
    try {
      peer = await this.pairwise.establish(name, { contact: true });
    } catch (error) {
      throw toAppError(error, 'contact', name);
    }
    if (!peer.contact) peer = (await this.ctx.peers.update(name, (p) => p && { ...p, contact: true })) ?? peer;
    const view = contactView(peer);
    this.ctx.contactChanged(view);
    if (!known?.contact) await this.syncToOwnDevices({ type: 'sync_contact', user: name, added: true });
    return view;
  }

  /** 60 digits from both identity keys and normalized usernames; the newest key of theirs (the one to compare). */
  safetyNumber(username: string): SafetyNumberView {
    const peer = this.requireContact(username);
    const theirKey = comparedKey(peer);
    if (!theirKey) throw new AppError('not_a_contact', { id: 'contacts.no_key', params: { user: username } });
    const cacheKey = `${peer.username}/${theirKey}`;
    let number = this.safetyNumbers.get(cacheKey);
    if (!number) {
      number = safetyNumber(
        this.ctx.provider,
        { identifier: this.ctx.me.user, identityKey: this.ctx.accountKey },
        { identifier: peer.username, identityKey: fromBase64(theirKey) },
      );
      this.safetyNumbers.set(cacheKey, number);
    }
    return { username: peer.username, safetyNumber: number, verified: peer.verified };
  }

  /** Marks verified (or clears it) here, then tells this user's other devices, which take it for the same key. */
  async setVerified(username: string, verified: boolean): Promise<ContactView> {
    const key = comparedKey(this.requireContact(username));
    const view = await this.change(username, (peer) => setVerified(peer, verified));
    if (key) await this.syncToOwnDevices({ type: 'sync_verified', user: view.username, identityKey: fromBase64(key), verified });
    return view;
  }

  /** Accepts a changed key here, then tells this user's other devices, which accept it too if they see the same key. */
  async acceptIdentity(username: string): Promise<ContactView> {
    this.requireContact(username);
    const view = await this.change(username, acceptIdentity);
    const key = comparedKey(this.requireContact(username));
    if (key) await this.syncToOwnDevices({ type: 'sync_identity_accepted', user: view.username, identityKey: fromBase64(key) });
    return view;
  }

  /**
   * A contact's trust, contact or blocked state for this user's other devices (docs/protocol.md, SyncMessage). Best effort, like
   * transcripts: the change is made here whatever happens; an own device that cannot be reached now keeps its own
   * state until the user changes it again (or links anew, with history).
   */
  private async syncToOwnDevices(sync: Unstamped<SyncVerifiedEnvelope> | Unstamped<SyncIdentityAcceptedEnvelope> | Unstamped<SyncContactEnvelope>): Promise<void> {
    const { ctx } = this;
    try {
      if ((await this.pairwise.ownOtherDevices()) === 0) return;
      const stamped = { ...sync, messageId: ulid(), sentAt: ctx.now() };
      await this.pairwise.sendToUser(ctx.me.user, encodeEnvelope(stamped), (device) => relayMessageId('sync', stamped.messageId, addressKey(device)));
    } catch (error) {
      ctx.logger.warn('send.sync_failed', { kind: sync.type, code: (error as { code?: string }).code ?? 'unknown' });
    }
  }

  private async change(username: string, edit: (peer: Peer) => Peer): Promise<ContactView> {
    const peer = await this.ctx.peers.update(username, (p) => p && edit(p));
    if (!peer) throw new AppError('not_a_contact', { id: 'contacts.not_contact', params: { user: username } });
    const view = contactView(peer);
    this.ctx.contactChanged(view);
    return view;
  }

  private requireContact(username: string): Peer {
    const peer = this.ctx.peers.get(username);
    if (!peer?.contact) throw new AppError('not_a_contact', { id: 'contacts.not_contact', params: { user: username } });
    return peer;
  }
}
