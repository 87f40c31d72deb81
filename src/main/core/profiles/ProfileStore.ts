// Profiles in the vault: this user's own (with the pointer and key of its copy on the relay, so it can be shared)
// and the ones people who write to this user shared (name, photo and which blob they came from). One record each,
// plus an index of the usernames; all loaded at start.
import { z } from 'zod';
import { AVATAR_TYPES, MAX_AVATAR_BYTES, ProfileName, type ProfileView } from '../../../shared/ipc';
import { USERNAME_PATTERN, base64Bytes } from '../../../shared/protocol';
import { KeyedQueue } from '../../../shared/base';
import { fromBase64, toBase64 } from '../../../shared/encoding/base64';
import type { Logger } from '../transport';
import { isVaultError, jsonRecord, type Vault } from '../vault';
import type { ProfileContent } from './profileDocument';
import type { ProfilePointerData } from './ProfilePointer';

const Avatar = z.strictObject({ type: z.enum(AVATAR_TYPES), data: base64Bytes({ maxBytes: MAX_AVATAR_BYTES }) }).nullable();
const StoredPointer = z.strictObject({
  blobId: z.string().max(64),
  key: base64Bytes({ exactBytes: 32 }),
  digest: base64Bytes({ exactBytes: 32 }),
  size: z.number().int().positive(),
  chunkBytes: z.number().int().positive(),
});
const OwnRecord = z.strictObject({
  name: ProfileName,
  avatar: Avatar,
  pointer: StoredPointer,
  /** When the copy on the relay was uploaded (it is uploaded again before the relay lets it expire). */
  uploadedAt: z.number().int().nonnegative(),
  updatedAt: z.number().int().nonnegative(),
});
const PeerRecord = z.strictObject({
  username: z.string().regex(USERNAME_PATTERN),
  name: ProfileName,
  avatar: Avatar,
  blobId: z.string().max(64),
  updatedAt: z.number().int().nonnegative(),
});
type OwnRecord = z.infer<typeof OwnRecord>;
type PeerRecord = z.infer<typeof PeerRecord>;

const ownCodec = jsonRecord(OwnRecord, 'own profile');
const peerCodec = jsonRecord(PeerRecord, 'profile');
const indexCodec = jsonRecord(z.array(z.string().regex(USERNAME_PATTERN)), 'profile index');
const OWN = 'profile-own';
const INDEX = 'profiles';
const recordName = (username: string) => `profile:${username}`;

export interface OwnProfile extends ProfileContent {
  pointer: ProfilePointerData;
  uploadedAt: number;
  updatedAt: number;
}

export class ProfileStore {
  private own: OwnRecord | undefined;
  private readonly peers = new Map<string, PeerRecord>();
  private readonly writes = new KeyedQueue();

  private constructor(private readonly vault: Vault) {}

  /** Loads every profile; one whose record does not open is left out (logged), the rest still load. */
  static async open(vault: Vault, logger: Logger): Promise<ProfileStore> {
    const store = new ProfileStore(vault);
    const load = async <T>(name: string, decode: (bytes: Uint8Array) => T): Promise<T | undefined> => {
      try {
        const bytes = await vault.get('records', name);
        return bytes ? decode(bytes) : undefined;
      } catch (error) {
        if (!isVaultError(error)) throw error;
        logger.error('profile.record_unreadable', { code: error.code });
        return undefined;
      }
    };
    store.own = await load(OWN, ownCodec.decode);
    for (const username of (await load(INDEX, indexCodec.decode)) ?? []) {
      const record = await load(recordName(username), peerCodec.decode);
      if (record) store.peers.set(username, record);
    }
    return store;
  }

  ownProfile(): OwnProfile | undefined {
    const own = this.own;
    if (!own) return undefined;
    const pointer = { ...own.pointer, key: fromBase64(own.pointer.key), digest: fromBase64(own.pointer.digest) };
    return { name: own.name, avatar: avatarOf(own.avatar), pointer, uploadedAt: own.uploadedAt, updatedAt: own.updatedAt };
  }

  ownView(username: string): ProfileView | null {
    return this.own ? { username, name: this.own.name, avatar: this.own.avatar, updatedAt: this.own.updatedAt } : null;
  }

  async setOwn(profile: OwnProfile): Promise<void> {
    const pointer = { ...profile.pointer, key: toBase64(profile.pointer.key), digest: toBase64(profile.pointer.digest) };
    const record: OwnRecord = { name: profile.name, avatar: storedAvatar(profile.avatar), pointer, uploadedAt: profile.uploadedAt, updatedAt: profile.updatedAt };
    await this.writes.run(OWN, () => this.vault.put('records', OWN, ownCodec.encode(record)));
    this.own = record;
  }

  /** The blob a peer's stored profile came from. */
  peerBlob(username: string): string | undefined {
    return this.peers.get(username)?.blobId;
  }

  /** Every peer's profile as stored: whose, what, from which blob, when received. */
  peerProfiles(): { username: string; profile: ProfileContent; blobId: string; updatedAt: number }[] {
    return [...this.peers.values()].map((record) => ({ username: record.username, profile: { name: record.name, avatar: avatarOf(record.avatar) }, blobId: record.blobId, updatedAt: record.updatedAt }));
  }

  peerViews(): ProfileView[] {
    return [...this.peers.values()].map(peerView);
  }

  async setPeer(username: string, profile: ProfileContent, blobId: string, now: number): Promise<ProfileView> {
    const record: PeerRecord = { username, name: profile.name, avatar: storedAvatar(profile.avatar), blobId, updatedAt: now };
    const isNew = !this.peers.has(username);
    await this.writes.run(recordName(username), () => this.vault.put('records', recordName(username), peerCodec.encode(record)));
    this.peers.set(username, record);
    if (isNew) await this.writes.run(INDEX, () => this.vault.put('records', INDEX, indexCodec.encode([...this.peers.keys()])));
    return peerView(record);
  }
}

function peerView(record: PeerRecord): ProfileView {
  return { username: record.username, name: record.name, avatar: record.avatar, updatedAt: record.updatedAt };
}

function storedAvatar(avatar: ProfileContent['avatar']): z.infer<typeof Avatar> {
  return avatar ? { type: avatar.type, data: toBase64(avatar.data) } : null;
}

function avatarOf(avatar: z.infer<typeof Avatar>): ProfileContent['avatar'] {
  return avatar ? { type: avatar.type, data: fromBase64(avatar.data) } : null;
}
