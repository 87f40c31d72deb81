// Everyone this device has a session with (contacts, and group members who are not contacts), in the vault: one
// record per peer plus an index of their usernames, all loaded once at start. Changes to one peer never interleave.
import { z } from 'zod';
import { USERNAME_PATTERN, normalizeUsername } from '../../../shared/protocol';
import { KeyedQueue } from '../../../shared/base';
import type { Logger } from '../transport';
import { ListRecord, isVaultError, jsonRecord, type Vault } from '../vault';
import { acceptedElsewhere, newPeer, verifiedElsewhere, type Peer } from './identityTrust';

const Key = z.string().max(64);
const PeerRecord = z.strictObject({
  username: z.string().regex(USERNAME_PATTERN),
  contact: z.boolean(),
  addedAt: z.number().int(),
  verified: z.boolean(),
  identityChanged: z.boolean(),
  accountKey: Key.optional(),
  blocked: z.literal(true).optional(),
  devices: z.array(z.strictObject({ device: z.number().int().positive(), identityKey: Key, pendingIdentityKey: Key.optional() })).max(256),
});
const peerCodec = jsonRecord(PeerRecord, 'contact');
const indexCodec = jsonRecord(z.array(z.string().regex(USERNAME_PATTERN)), 'contact index');
const INDEX = 'peers';
/** Verifications made on this user's other devices for peers not met here yet (see verifiedElsewhere). */
const VerifiedElsewhere = z.strictObject({ username: z.string().regex(USERNAME_PATTERN), key: Key });
type VerifiedElsewhere = z.infer<typeof VerifiedElsewhere>;
const MAX_VERIFIED_ELSEWHERE = 5_000;
const recordName = (username: string) => `peer:${username}`;

export class PeerStore {
  private readonly peers = new Map<string, Peer>();
  private readonly lock = new KeyedQueue();
  private readonly indexWrites = new KeyedQueue();
  private readonly waitingVerifications: ListRecord<VerifiedElsewhere>;

  private constructor(private readonly vault: Vault) {
    this.waitingVerifications = new ListRecord(vault, 'peers-verified-elsewhere', VerifiedElsewhere, MAX_VERIFIED_ELSEWHERE, 'verifications from own devices');
  }

  /** Loads every peer; one whose record does not open is left out (logged), the rest still load. */
  static async open(vault: Vault, logger: Logger): Promise<PeerStore> {
    const store = new PeerStore(vault);
    const index = await vault.get('records', INDEX);
    for (const username of index ? indexCodec.decode(index) : []) {
      try {
        const bytes = await vault.get('records', recordName(username));
        if (bytes) store.peers.set(username, peerCodec.decode(bytes));
      } catch (error) {
        if (!isVaultError(error)) throw error;
        logger.error('contact.record_unreadable', { code: error.code });
      }
    }
    return store;
  }

  get(username: string): Peer | undefined {
    return this.peers.get(normalizeUsername(username));
  }

  all(): Peer[] {
    return [...this.peers.values()];
  }

  /**
   * Changes one peer: `change` sees the current record (or undefined) and returns the new one, or undefined to
   * leave it alone. Resolves with the stored record once it is durable.
   */
  update(username: string, change: (peer: Peer | undefined) => Peer | undefined): Promise<Peer | undefined> {
    const name = normalizeUsername(username);
    return this.lock.run(name, async () => {
      const before = this.peers.get(name);
      let after = change(before);
      if (!after || after === before) return before;
      // Met for the first time: a verification another of this user's devices made waits for this moment.
      if (!before?.devices.length && after.devices.length > 0) after = await this.takeWaitingVerification(after);
      if (after.username !== name) throw new RangeError('a peer record cannot change its username');
      await this.vault.put('records', recordName(name), peerCodec.encode({ ...after, devices: after.devices.map((d) => ({ ...d })) }));
      this.peers.set(name, after);
      if (!before) await this.writeIndex();
      return after;
    });
  }

  /**
   * Another of this user's devices marked `username` verified with `key` (the key it compared), or cleared the mark
   * (a sync message, or the history archive). A peer known here takes it at once (identityTrust.verifiedElsewhere: only
   * for the same key); for one not met yet it waits, and applies when their first key is stored. Resolves with the
   * peer when its record changed.
   */
  /**
   * Another of this user's devices accepted `username`'s changed key, ending at `key` (a sync message): taken only
   * for the same key (identityTrust.acceptedElsewhere). Nothing waits for a peer not met here: there is no change
   * to accept. Resolves with the peer when its record changed.
   */
  async acceptedElsewhere(username: string, key: string): Promise<Peer | undefined> {
    let changed: Peer | undefined;
    await this.update(normalizeUsername(username), (peer) => {
      changed = peer && acceptedElsewhere(peer, key);
      return changed;
    });
    return changed;
  }

  /**
   * Another of this user's devices added `username` as a contact, or blocked or unblocked them (a sync message, or
   * the history archive). A peer not met here yet gets a record without devices: it is listed (or blocked) now and
   * met through the relay when first written to. Resolves with the peer when its record changed.
   */
  async keptElsewhere(username: string, kept: { added: boolean; blocked?: boolean }, now: number): Promise<Peer | undefined> {
    const name = normalizeUsername(username);
    let changed: Peer | undefined;
    await this.update(name, (peer) => {
      let next = peer ?? newPeer(name, now, false);
      if (kept.added && !next.contact) next = { ...next, contact: true };
      if (kept.blocked !== undefined && Boolean(next.blocked) !== kept.blocked) {
        const { blocked: _was, ...rest } = next;
        next = kept.blocked ? { ...rest, blocked: true } : rest;
      }
      // Nothing changed; or someone not met here who is neither a contact nor blocked: nothing to keep.
      const same = peer !== undefined && next.contact === peer.contact && next.blocked === peer.blocked;
      changed = same || (!peer && !next.contact && !next.blocked) ? undefined : next;
      return changed;
    });
    return changed;
  }

  async verifiedElsewhere(username: string, key: string, verified: boolean): Promise<Peer | undefined> {
    const name = normalizeUsername(username);
    await this.waitingVerifications.change((list) => {
      const others = list.filter((entry) => entry.username !== name);
      return verified && !this.peers.get(name)?.devices.length ? [...others, { username: name, key }].slice(-MAX_VERIFIED_ELSEWHERE) : others;
    });
    let changed: Peer | undefined;
    await this.update(name, (peer) => {
      if (!peer?.devices.length) return undefined;
      changed = verifiedElsewhere(peer, key, verified);
      return changed;
    });
    return changed;
  }

  private async takeWaitingVerification(peer: Peer): Promise<Peer> {
    const waiting = (await this.waitingVerifications.all()).find((entry) => entry.username === peer.username);
    if (!waiting) return peer;
    await this.waitingVerifications.change((list) => list.filter((entry) => entry !== waiting));
    return verifiedElsewhere(peer, waiting.key, true) ?? peer;
  }

  private writeIndex(): Promise<void> {
    return this.indexWrites.run(INDEX, () => this.vault.put('records', INDEX, indexCodec.encode([...this.peers.keys()])));
  }
}
