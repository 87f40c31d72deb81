// Everyone this device has a session with (contacts, and group members who are not contacts), in the vault: one
// record per peer plus an index of their usernames, all loaded once at start. Changes to one peer never interleave.
import { z } from 'zod';
import { USERNAME_PATTERN, normalizeUsername } from '../../../shared/protocol';
import { KeyedQueue } from '../../../shared/base';
import type { Logger } from '../transport';
import { isVaultError, jsonRecord, type Vault } from '../vault';
import type { Peer } from './identityTrust';

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
const recordName = (username: string) => `peer:${username}`;

export class PeerStore {
  private readonly peers = new Map<string, Peer>();
  private readonly lock = new KeyedQueue();
  private readonly indexWrites = new KeyedQueue();

  private constructor(private readonly vault: Vault) {}

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
      const after = change(before);
      if (!after || after === before) return before;
      if (after.username !== name) throw new RangeError('a peer record cannot change its username');
      await this.vault.put('records', recordName(name), peerCodec.encode({ ...after, devices: after.devices.map((d) => ({ ...d })) }));
      this.peers.set(name, after);
      if (!before) await this.writeIndex();
      return after;
    });
  }

  private writeIndex(): Promise<void> {
    return this.indexWrites.run(INDEX, () => this.vault.put('records', INDEX, indexCodec.encode([...this.peers.keys()])));
  }
}
