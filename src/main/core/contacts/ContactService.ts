// Contacts as the renderer asks for them: add by username (fetch and verify a bundle for every device, trust on
// first use, start sessions), list, the safety number, marking verified, accepting a changed identity key, and
// blocking.
import { safetyNumber } from '../../../shared/crypto/safety-number';
import { fromBase64 } from '../../../shared/encoding/base64';
import { AppError, type ContactView, type SafetyNumberView } from '../../../shared/ipc';
import { normalizeUsername } from '../../../shared/protocol';
import { toAppError } from '../messaging/appErrors';
import type { MessagingContext } from '../messaging/context';
import type { PairwiseChannel } from '../sessions/PairwiseChannel';
import { contactView } from './contactView';
import { acceptIdentity, primaryDevice, setVerified, type Peer } from './identityTrust';

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
   * Blocks or unblocks a known peer. Blocking changes nothing they can see: their messages are dropped on receipt
   * (ReceiveBatch) and one-to-one sends to them are refused (MessageSender); they are not told.
   */
  async setBlocked(username: string, blocked: boolean): Promise<ContactView> {
    const name = normalizeUsername(username);
    if (name === this.ctx.me.user) throw new AppError('cannot_add_self', 'That is your own username.');
    const peer = await this.ctx.peers.update(name, (p) => {
      if (!p || Boolean(p.blocked) === blocked) return p;
      const { blocked: _was, ...rest } = p;
      return blocked ? { ...rest, blocked: true } : rest;
    });
    if (!peer) throw new AppError('not_a_contact', `${username} is not known on this device.`);
    this.ctx.logger.info('contact.blocked', { blocked });
    const view = contactView(peer);
    this.ctx.contactChanged(view);
    return view;
  }

  async add(username: string): Promise<ContactView> {
    const name = normalizeUsername(username);
    if (name === this.ctx.me.user) throw new AppError('cannot_add_self', 'That is your own username.');
    const known = this.ctx.peers.get(name);
    if (known?.contact && known.devices.length > 0) return contactView(known);
    if (this.ctx.relay.snapshot.state !== 'online') {
      throw new AppError('offline', 'Not connected to the relay right now. Try again once Parley is back online.', true);
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
    return view;
  }

  /** 60 digits from both identity keys and normalized usernames; the newest key of theirs (the one to compare). */
  safetyNumber(username: string): SafetyNumberView {
    const peer = this.requireContact(username);
    const device = primaryDevice(peer);
    if (!device) throw new AppError('not_a_contact', `${username} has no device with a known key yet.`);
    // A pending change is what the user is asked to compare; otherwise the account key, known once a certified
    // device was seen (the primary's own key stands for it before).
    const theirKey = device.pendingIdentityKey ?? peer.accountKey ?? device.identityKey;
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

  async setVerified(username: string, verified: boolean): Promise<ContactView> {
    this.requireContact(username);
    return this.change(username, (peer) => setVerified(peer, verified));
  }

  async acceptIdentity(username: string): Promise<ContactView> {
    this.requireContact(username);
    return this.change(username, acceptIdentity);
  }

  private async change(username: string, edit: (peer: Peer) => Peer): Promise<ContactView> {
    const peer = await this.ctx.peers.update(username, (p) => p && edit(p));
    if (!peer) throw new AppError('not_a_contact', `${username} is not among your contacts.`);
    const view = contactView(peer);
    this.ctx.contactChanged(view);
    return view;
  }

  private requireContact(username: string): Peer {
    const peer = this.ctx.peers.get(username);
    if (!peer?.contact) throw new AppError('not_a_contact', `${username} is not among your contacts.`);
    return peer;
  }
}
